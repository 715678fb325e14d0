/*
 * dll.c — the DLL of the PE fixtures (tests/pe/build.sh builds it as
 * dll32.dll and dll64.dll). It exports a data variable and a function, and
 * holds an address in .data so the DLL has base relocations of its own.
 * Built without a C runtime and without an entry point (/noentry).
 */
__declspec(dllexport) int dll_counter = 7;
__declspec(dllexport) int *dll_counter_address = &dll_counter;

__declspec(dllexport) int dll_add(int a, int b)
{
    return a + b + *dll_counter_address;
}

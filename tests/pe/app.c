/*
 * app.c — the executable of the PE fixtures (tests/pe/build.sh builds it as
 * app32*.exe and app64*.exe). What tests/test_pe.c relies on:
 * (1) .data holds app_marker: the DWORD 0x12345678 followed, at the next
 *     pointer-sized slot, by its own address, so relocating the image must
 *     change that pointer by the delta;
 * (2) .rdata holds the const table app_table;
 * (3) the image imports dll_add and dll_counter from the fixture DLL.
 * Built without a C runtime: mainCRTStartup is the entry point.
 */
__declspec(dllimport) int dll_counter;
__declspec(dllimport) int dll_add(int a, int b);

struct marker {
    unsigned magic;        /* 0x12345678 */
    const unsigned *self;  /* &app_marker.magic: a based relocation */
};

struct marker app_marker = { 0x12345678u, &app_marker.magic };

const unsigned app_table[8] = { 2, 3, 5, 7, 11, 13, 17, 19 };

volatile unsigned app_index = 3;

int mainCRTStartup(void)
{
    return dll_add((int)app_table[app_index & 7u], dll_counter) + (int)*app_marker.self;
}

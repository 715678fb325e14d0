/*
 * bugcheck.c — what the memory manager does when a kernel structure it reads
 * is corrupt (Windows: KeBugCheckEx): the machine stops with the bug check
 * code and the four parameters Windows would give.
 *
 * The debugger's edit commands write kernel memory, so every PFN entry, list
 * head and link, PTE and count the memory manager reads from simulated
 * memory is untrusted input. A PFN taken from there passes mi_check_pfn, and
 * a frame's bytes are reached only through mi_frame, before any host address
 * is formed from it.
 *
 * (1) The first bug check wins: its code and parameters never change, and
 *     code is never 0 once the machine has stopped.
 * (2) Once stopped, simulated memory is frozen as the bug check found it:
 *     every store the memory manager would make (PFN entries, list heads,
 *     kernel variables, PTEs, frame bytes) goes to the scratch page or
 *     nowhere, and reads of frames that are not RAM read the scratch page.
 *     The operation that stopped the machine runs to its end over that
 *     frozen state; the services refuse every later call
 *     (STATUS_SHUTDOWN_IN_PROGRESS, ke_machine_running in ke/machine.h).
 * (3) Nothing here follows a link: a bad value is reported, not used.
 * (4) The notify routine runs once, at the moment of the first bug check,
 *     before the operation that found the corruption goes on; it must not
 *     call back into the machine except to read it.
 */
#include "mm/mm.h"

void mm_bug_check(const struct mm *mm, uint32_t code, uint64_t p1, uint64_t p2, uint64_t p3,
                  uint64_t p4)
{
    struct mm_bug_check *b = mm->bug_check;
    if (b->code)
        return;
    b->code = code;
    b->parameters[0] = p1;
    b->parameters[1] = p2;
    b->parameters[2] = p3;
    b->parameters[3] = p4;
    if (b->notify)
        b->notify(b->notify_context);
}

bool mi_check_pfn(const struct mm *mm, uint64_t pfn)
{
    if (pfn < mm->frames)
        return true;
    mm_bug_check(mm, BUGCODE_PFN_LIST_CORRUPT, MM_BUGCHECK_PFN, pfn, mm->frames - 1, 0);
    return false;
}

const uint8_t *mi_frame(const struct mm *mm, uint64_t pfn)
{
    if (!mi_check_pfn(mm, pfn))
        return (const uint8_t *)mm->bug_check->scratch;
    return phys_frame(&mm->cpu->phys, pfn);
}

uint8_t *mi_frame_for_write(struct mm *mm, uint64_t pfn)
{
    if (!mi_check_pfn(mm, pfn) || mm_stopped(mm))
        return (uint8_t *)mm->bug_check->scratch;
    return phys_frame(&mm->cpu->phys, pfn);
}

/*
 * introspect_image.c — ntmm_image_read: the bytes of a process's image
 * views as a debugger sees them (WinDbg's !dh, lm's headers), read without
 * touching the process: no page fault, no Accessed bit, no TLB entry.
 *
 * A page of an image view holds, in this order of precedence:
 *   - the frame its process PTE maps (valid: the shared frame or the
 *     process's copy-on-write copy; transition: the frame it points at);
 *   - in a view at the control area's base, the frame its prototype PTE
 *     holds (valid, or transition on the standby / modified list);
 *   - else the bytes its first fault would give it: the image laid out and
 *     relocated for the view's base (mi_read_image_page, read from the
 *     image's file) — as WinDbg reads a page of a module that is
 *     not in memory from the image file on its image path.
 *
 * (1) Nothing here changes the machine (introspect_internal.h (1)).
 * (2) A range that leaves the image views fails before a byte is copied.
 */
#include <string.h>

#include "ke/introspect_internal.h"
#include "mm/section.h"
#include "mm/vad.h"
#include "ps/process.h"

/* The image view holding va, or NULL. */
static const struct vad *image_view(const struct ntmm_process *process, uint64_t va)
{
    const struct vad *v = vad_find(&process->as.vads, va >> PAGE_SHIFT);
    if (!v || v->u.PrivateMemory || !v->u.ImageMap || !v->ControlArea ||
        !v->ControlArea->image_info)
        return NULL;
    return v;
}

static void copy_frame(const struct ntmm_machine *machine, uint64_t pfn, uint8_t *page)
{
    memcpy(page, phys_frame(&machine->cpu.phys, pfn), PAGE_SIZE);
}

/* The process PTE of va, when its page table exists; false otherwise. */
static bool process_pte(const struct ntmm_process *process, uint64_t va, struct ntmm_pte_info *pte)
{
    const struct ntmm_machine *machine = process->machine;
    struct ntmm_walk walk;
    if (ntmm_pte_walk(machine, process, va, &walk) != STATUS_SUCCESS ||
        walk.levels != machine->cpu.fmt->levels)
        return false;
    *pte = walk.level[walk.levels - 1].pte;
    return true;
}

/* The page of view v at the page-aligned va, into page. */
static NTSTATUS read_view_page(const struct ntmm_process *process, const struct vad *v,
                               uint64_t va, uint8_t *page)
{
    const struct ntmm_machine *machine = process->machine;
    const struct mm *mm = &machine->mm;
    const struct mm_control_area *ca = v->ControlArea;
    struct ntmm_pte_info pte;
    if (process_pte(process, va, &pte) &&
        (pte.kind == NTMM_PTE_VALID || pte.kind == NTMM_PTE_TRANSITION)) {
        copy_frame(machine, pte.pfn, page);
        return STATUS_SUCCESS;
    }
    uint64_t view_base = v->StartingVpn << PAGE_SHIFT;
    uint64_t segment_page = v->FirstPage + ((va >> PAGE_SHIFT) - v->StartingVpn);
    if (view_base == ca->image_info->base) {
        struct pte_fields proto;
        machine->cpu.fmt->decode(mi_read_proto(mm, mi_proto_address(ca, segment_page)),
                                 PTE_IN_PROTOTYPE, &proto);
        if (proto.kind == PTE_KIND_VALID || proto.kind == PTE_KIND_TRANSITION) {
            copy_frame(machine, proto.page_frame_number, page);
            return STATUS_SUCCESS;
        }
    }
    return NT_SUCCESS(mi_read_image_page(ca, segment_page, view_base, page)) ? STATUS_SUCCESS
                                                                             : STATUS_IN_PAGE_ERROR;
}

NTSTATUS ntmm_image_read(const struct ntmm_process *process, uint64_t va, void *buffer,
                         size_t size)
{
    if (!process || (!buffer && size))
        return STATUS_INVALID_PARAMETER;
    if (!size)
        return STATUS_SUCCESS;
    uint64_t last = va + size - 1;
    if (last < va)
        return STATUS_INVALID_ADDRESS;
    for (uint64_t vpn = va >> PAGE_SHIFT; vpn <= last >> PAGE_SHIFT; vpn++) /* (2) */
        if (!image_view(process, vpn << PAGE_SHIFT))
            return STATUS_INVALID_ADDRESS;
    uint8_t page[PAGE_SIZE];
    uint8_t *out = buffer;
    for (size_t done = 0; done < size;) {
        uint64_t at = va + done, offset = at & (PAGE_SIZE - 1);
        size_t chunk = PAGE_SIZE - offset;
        if (chunk > size - done)
            chunk = size - done;
        NTSTATUS st = read_view_page(process, image_view(process, at), at - offset, page);
        if (!NT_SUCCESS(st))
            return st;
        memcpy(out + done, page + offset, chunk);
        done += chunk;
    }
    return STATUS_SUCCESS;
}

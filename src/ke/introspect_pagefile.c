/*
 * introspect_pagefile.c — the pagefiles as introspect.h shows them, copied
 * from MmPagingFile[] (mm/pagefile.h); nothing changes.
 */
#include "ke/machine.h"
#include "mm/pagefile.h"
#include "ntmm/introspect.h"

void ntmm_query_paging_files(const struct ntmm_machine *machine,
                             struct ntmm_paging_file_info *out, unsigned max, unsigned *count)
{
    const struct mm_paging_files *pfs = machine->mm.paging_files;
    *count = pfs ? pfs->count : 0;
    for (unsigned n = 0; n < *count && n < max; n++) {
        const struct mm_paging_file *pf = &pfs->file[n];
        out[n] = (struct ntmm_paging_file_info){
            .number = pf->number,
            .name = pf->name,
            .size = pf->size,
            .minimum_size = pf->minimum_size,
            .maximum_size = pf->maximum_size,
            .free_space = pf->free_space,
            .current_usage = pf->current_usage,
            .peak_usage = pf->peak_usage,
        };
    }
}

/*
 * pte.c — what the three PTE formats share: choosing the format for an
 * architecture and the self-map arithmetic (MiGetPteAddress and its inverse).
 *
 * (1) pte_address(va, L + 1) == pte_address(pte_address(va, L), 0): with a
 *     self-map the entry that maps a PTE is the PDE of the original address.
 * (2) pte_mapped_address(pte_address(va, 0)) == va rounded down to its page,
 *     for every canonical va.
 */
#include "arch/arch.h"

const struct pte_format *pte_format_for(enum ntmm_arch arch)
{
    switch (arch) {
    case NTMM_ARCH_X86:
        return &pte_format_x86;
    case NTMM_ARCH_X86_PAE:
        return &pte_format_pae;
    case NTMM_ARCH_X64:
        return &pte_format_x64;
    }
    return NULL;
}

/* Windows: MiGetPteAddress */
uint64_t pte_address(const struct pte_format *fmt, uint64_t va, unsigned level)
{
    uint64_t mask = fmt->va_bits == 64 ? ~0ull : (1ull << fmt->va_bits) - 1;
    for (unsigned l = 0; l <= level; l++)
        va = pte_canonical(fmt, fmt->pte_base + (((va & mask) >> PAGE_SHIFT) << fmt->pte_shift));
    return va;
}

/* Windows: MiGetVirtualAddressMappedByPte */
uint64_t pte_mapped_address(const struct pte_format *fmt, uint64_t pte_va)
{
    return pte_canonical(fmt, ((pte_va - fmt->pte_base) >> fmt->pte_shift) << PAGE_SHIFT);
}

uint64_t pte_self_map_end(const struct pte_format *fmt)
{
    return fmt->pte_base + ((1ull << fmt->va_bits) >> PAGE_SHIFT) * fmt->pte_size;
}

bool pte_is_upper_level_address(const struct pte_format *fmt, uint64_t pte_va)
{
    uint64_t first = pte_address(fmt, fmt->pte_base, 0);
    uint64_t last = pte_address(fmt, pte_self_map_end(fmt) - 1, 0);
    return pte_va >= first && pte_va <= last;
}

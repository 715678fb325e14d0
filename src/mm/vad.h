/*
 * vad.h — the VAD tree (Windows: MMVAD nodes under EPROCESS.VadRoot): one node
 * per allocation in a process's user address space, kept in a balanced binary
 * search tree ordered by address, as Windows keeps it.
 *
 * The tree is an AVL tree of host structures (VADs are kernel bookkeeping,
 * not simulated memory; the debugger commands print them with Windows' field
 * names). Each node also carries, for its subtree, the lowest StartingVpn,
 * the highest EndingVpn and the largest gap between two consecutive nodes,
 * so that looking up an address and finding a free range are O(log n).
 *
 * Invariants (checked by vad_check):
 * (1) In-order traversal visits nodes by increasing StartingVpn, and each
 *     node's EndingVpn < the next node's StartingVpn (no overlap);
 *     StartingVpn <= EndingVpn in every node.
 * (2) Every node's balance is -1, 0 or +1 (AVL) and its height is
 *     1 + the larger child height.
 * (3) Parent links agree with child links; the root's Parent is NULL;
 *     tree->count is the number of nodes.
 * (4) Each node's subtree_low, subtree_high, max_gap and max_granular_gap
 *     equal what its subtree holds.
 */
#ifndef NTMM_VAD_H
#define NTMM_VAD_H

#include <stdbool.h>
#include <stdint.h>

/* _MMVAD_FLAGS: the fields Windows keeps in u.VadFlags, unpacked. */
struct vad_flags {
    uint64_t CommitCharge;  /* pages of commit this VAD charges */
    unsigned Protection;    /* MM_* protection given at reservation (5 bits) */
    unsigned VadType;       /* VadNone 0, VadDevicePhysicalMemory 1, VadImageMap 2, VadAwe 3, VadWriteWatch 4, VadLargePages 5, VadRotatePhysical 6, VadLargePageSection 7 */
    bool PrivateMemory;     /* 1: VirtualAlloc memory; 0: a mapped view */
    bool MemCommit;         /* 1: the whole range was committed when it was created */
    bool NoChange;          /* protection may not be changed (SEC_NO_CHANGE) */
    bool ImageMap;          /* maps an image section ("Exe" in !vad) */
};

struct mm_control_area;

struct vad {
    uint64_t StartingVpn;      /* first page, VPN */
    uint64_t EndingVpn;        /* last page, VPN (inclusive) */
    struct vad *Parent;        /* NULL for the root */
    struct vad *LeftChild;     /* lower addresses */
    struct vad *RightChild;    /* higher addresses */
    struct vad_flags u;        /* u.VadFlags */
    unsigned allocation_protect; /* the PAGE_* value given at allocation (VirtualQuery's AllocationProtect) */
    uint64_t serial;           /* ntmm: the node's number in its process, for its pseudo kernel address */
    struct mm_control_area *ControlArea; /* a view: its control area (Windows reaches it through Subsection) */
    uint64_t FirstPage;        /* a view: the segment page at StartingVpn (FirstPrototypePte) */
    /* tree bookkeeping, not in Windows' MMVAD */
    int height;                /* 1 for a leaf */
    uint64_t subtree_low;      /* lowest StartingVpn in this subtree */
    uint64_t subtree_high;     /* highest EndingVpn in this subtree */
    uint64_t max_gap;          /* largest count of free pages between two consecutive nodes of this subtree */
    uint64_t max_granular_gap; /* the same, counting only pages from a 64 KB boundary (VAD_GRANULE) on */
};

#define VAD_GRANULE 16u

struct vad_tree {
    struct vad *root;   /* EPROCESS.VadRoot */
    uint64_t count;     /* number of nodes */
};

/* The node containing vpn, or NULL. O(log n). */
struct vad *vad_find(const struct vad_tree *tree, uint64_t vpn);

/* The lowest node that overlaps [start_vpn, end_vpn], or NULL (also for an
 * empty range, start_vpn > end_vpn). O(log n). */
struct vad *vad_first_overlap(const struct vad_tree *tree, uint64_t start_vpn, uint64_t end_vpn);

/* Inserts a node whose range overlaps no node (the caller checks with
 * vad_first_overlap); the node's links and bookkeeping are set here. */
void vad_insert(struct vad_tree *tree, struct vad *vad);

/* Unlinks a node (not freed). */
void vad_remove(struct vad_tree *tree, struct vad *vad);

/* In-order neighbours; NULL past the ends. vad_first/vad_last of the tree. */
struct vad *vad_first(const struct vad_tree *tree);
struct vad *vad_last(const struct vad_tree *tree);
struct vad *vad_next(const struct vad *vad);
struct vad *vad_prev(const struct vad *vad);

/* Windows: MiFindEmptyAddressRange — a free range of `pages` pages whose
 * first VPN is a multiple of align_pages, inside [low_vpn, high_vpn]
 * (inclusive bounds), the lowest such range (top_down false) or the highest
 * (top_down true). Returns false if none exists, for pages == 0 and for
 * low_vpn > high_vpn; align_pages 0 means 1; *start_vpn is written only on
 * success. O(log n) for align_pages 1 and VAD_GRANULE (what VirtualAlloc
 * uses); other alignments prune with the unaligned gap sizes. */
bool vad_find_free(const struct vad_tree *tree, uint64_t low_vpn, uint64_t high_vpn,
                   uint64_t pages, uint64_t align_pages, bool top_down, uint64_t *start_vpn);

/* Depth of a node: 1 for the root (WinDbg's !vad level), 0 for NULL. */
unsigned vad_level(const struct vad *vad);

/* Checks invariants (1)-(4); on failure writes the first broken one into
 * message and returns false. */
bool vad_check(const struct vad_tree *tree, char *message, unsigned long size);

#endif

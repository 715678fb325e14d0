/*
 * vad.c — the VAD tree (Windows: the MMVAD nodes under EPROCESS.VadRoot) and
 * the routines that keep and search it: MiInsertVad (vad_insert), MiRemoveVad
 * (vad_remove), MiLocateAddress (vad_find, vad_first_overlap),
 * MiFindEmptyAddressRange and MiFindEmptyAddressRangeDownTree (vad_find_free
 * bottom-up and top-down), and the in-order walk the debugger's !vad does.
 *
 * The tree is an AVL tree of host structures. Each node is augmented with
 * subtree_low, subtree_high and max_gap so that an address lookup and a
 * free-range search descend one path in the common case instead of walking
 * every VAD, as Windows' MiFindEmptyAddressRange* do.
 *
 * Invariants (vad.h's numbering; vad_check verifies them):
 * (1) In-order = increasing StartingVpn; EndingVpn < next StartingVpn;
 *     StartingVpn <= EndingVpn.
 * (2) AVL: balance in {-1, 0, +1}; height = 1 + the larger child height.
 * (3) Parent links agree with child links; the root's Parent is NULL.
 * (4) subtree_low, subtree_high and max_gap equal what the subtree holds.
 * Only replace_child, rotate_left, rotate_right, vad_insert and
 * swap_in_successor change links, and every node whose subtree changed is
 * recomputed by update() on the way back to the root (retrace), so (2)-(4)
 * hold again when vad_insert and vad_remove return. (1) is the caller's
 * promise at insertion; nodes are never copied, only relinked, because the
 * callers hold pointers to them.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "mm/vad.h"

/* Deeper than any AVL tree of 2^64 nodes can be: vad_check's guard against a
 * corrupted tree that loops. */
#define VAD_MAX_DEPTH 128

static int height_of(const struct vad *n)
{
    return n ? n->height : 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Free pages of the gap [a, b] from its first VAD_GRANULE boundary on (0 if
 * the gap is empty or holds no boundary). */
static uint64_t granular(uint64_t a, uint64_t b)
{
    uint64_t s = a + (VAD_GRANULE - a % VAD_GRANULE) % VAD_GRANULE;
    if (a > b || s < a || s > b)
        return 0;
    return b - s + 1;
}

/* Recomputes a node's bookkeeping from its children, which must be current.
 * Nodes do not overlap, so the left subtree's highest EndingVpn belongs to
 * this node's in-order predecessor and the right subtree's lowest
 * StartingVpn to its successor: the two gaps around the node are then
 * exact, and never negative. */
static void update(struct vad *n)
{
    const struct vad *l = n->LeftChild, *r = n->RightChild;
    int hl = height_of(l), hr = height_of(r);

    n->height = 1 + (hl > hr ? hl : hr);
    n->subtree_low = l ? l->subtree_low : n->StartingVpn;
    n->subtree_high = r ? r->subtree_high : n->EndingVpn;
    n->max_gap = 0;
    n->max_granular_gap = 0;
    if (l) {
        n->max_gap = max_u64(l->max_gap, n->StartingVpn - l->subtree_high - 1);
        n->max_granular_gap = max_u64(l->max_granular_gap,
                                      granular(l->subtree_high + 1, n->StartingVpn - 1));
    }
    if (r) {
        n->max_gap = max_u64(n->max_gap, max_u64(r->max_gap, r->subtree_low - n->EndingVpn - 1));
        n->max_granular_gap = max_u64(n->max_granular_gap,
                                      max_u64(r->max_granular_gap,
                                              granular(n->EndingVpn + 1, r->subtree_low - 1)));
    }
}

/* Puts `new_child` where `old_child` hung under `parent` (or at the root). */
static void replace_child(struct vad_tree *tree, struct vad *parent, struct vad *old_child,
                          struct vad *new_child)
{
    if (!parent)
        tree->root = new_child;
    else if (parent->LeftChild == old_child)
        parent->LeftChild = new_child;
    else
        parent->RightChild = new_child;
    if (new_child)
        new_child->Parent = parent;
}

/* x's right child y takes x's place; x becomes y's left child. Returns y. */
static struct vad *rotate_left(struct vad_tree *tree, struct vad *x)
{
    struct vad *y = x->RightChild;

    x->RightChild = y->LeftChild;
    if (y->LeftChild)
        y->LeftChild->Parent = x;
    replace_child(tree, x->Parent, x, y);
    y->LeftChild = x;
    x->Parent = y;
    update(x); /* x is now below y: recompute it first */
    update(y);
    return y;
}

/* Mirror of rotate_left. */
static struct vad *rotate_right(struct vad_tree *tree, struct vad *x)
{
    struct vad *y = x->LeftChild;

    x->LeftChild = y->RightChild;
    if (y->RightChild)
        y->RightChild->Parent = x;
    replace_child(tree, x->Parent, x, y);
    y->RightChild = x;
    x->Parent = y;
    update(x);
    update(y);
    return y;
}

/* Restores (2) at n, whose children are balanced and whose heights differ
 * by at most 2; returns the root of the subtree that replaced n. */
static struct vad *rebalance(struct vad_tree *tree, struct vad *n)
{
    int balance = height_of(n->LeftChild) - height_of(n->RightChild);

    if (balance > 1) {
        /* A left-right shape needs its inner grandchild brought up first. */
        if (height_of(n->LeftChild->LeftChild) < height_of(n->LeftChild->RightChild))
            rotate_left(tree, n->LeftChild);
        return rotate_right(tree, n);
    }
    if (balance < -1) {
        if (height_of(n->RightChild->RightChild) < height_of(n->RightChild->LeftChild))
            rotate_right(tree, n->RightChild);
        return rotate_left(tree, n);
    }
    return n;
}

/* Recomputes and rebalances from n up to the root. It cannot stop when the
 * height stops changing, as textbook AVL does: subtree_low, subtree_high and
 * max_gap of every ancestor may still change. */
static void retrace(struct vad_tree *tree, struct vad *n)
{
    while (n) {
        update(n);
        n = rebalance(tree, n)->Parent;
    }
}

struct vad *vad_find(const struct vad_tree *tree, uint64_t vpn)
{
    struct vad *n = tree->root;

    while (n) {
        if (vpn < n->StartingVpn)
            n = n->LeftChild;
        else if (vpn > n->EndingVpn)
            n = n->RightChild;
        else
            return n;
    }
    return NULL;
}

/* By (1) EndingVpns increase in order as StartingVpns do, so the answer is
 * the first node ending at or after start_vpn, if it starts by end_vpn. The
 * descent keeps that node inside the current subtree: it goes left only when
 * the left subtree holds such a node, right only when neither the left
 * subtree nor this node does, and stops when the subtree cannot hold it. */
struct vad *vad_first_overlap(const struct vad_tree *tree, uint64_t start_vpn, uint64_t end_vpn)
{
    struct vad *n = tree->root;

    if (start_vpn > end_vpn)
        return NULL;
    while (n && n->subtree_high >= start_vpn && n->subtree_low <= end_vpn) {
        if (n->LeftChild && n->LeftChild->subtree_high >= start_vpn)
            n = n->LeftChild;
        else if (n->EndingVpn >= start_vpn)
            return n->StartingVpn <= end_vpn ? n : NULL;
        else
            n = n->RightChild;
    }
    return NULL;
}

void vad_insert(struct vad_tree *tree, struct vad *vad)
{
    struct vad *parent = NULL;
    struct vad **link = &tree->root;

    while (*link) {
        parent = *link;
        link = vad->StartingVpn < parent->StartingVpn ? &parent->LeftChild : &parent->RightChild;
    }
    vad->Parent = parent;
    vad->LeftChild = NULL;
    vad->RightChild = NULL;
    *link = vad;
    update(vad);
    tree->count++;
    retrace(tree, parent);
}

/* Puts vad's in-order successor (the leftmost node of its right subtree) in
 * vad's place by relinking, and returns the lowest node whose subtree lost a
 * node, where retracing starts. */
static struct vad *swap_in_successor(struct vad_tree *tree, struct vad *vad)
{
    struct vad *succ = vad->RightChild;
    struct vad *start = succ;

    while (succ->LeftChild)
        succ = succ->LeftChild;
    if (succ != vad->RightChild) {
        /* succ has no left child: its right child takes its place. */
        start = succ->Parent;
        replace_child(tree, start, succ, succ->RightChild);
        succ->RightChild = vad->RightChild;
        succ->RightChild->Parent = succ;
    } else {
        start = succ; /* succ keeps its right subtree and gains vad's left */
    }
    succ->LeftChild = vad->LeftChild;
    succ->LeftChild->Parent = succ;
    replace_child(tree, vad->Parent, vad, succ);
    return start;
}

void vad_remove(struct vad_tree *tree, struct vad *vad)
{
    struct vad *start;

    if (vad->LeftChild && vad->RightChild) {
        start = swap_in_successor(tree, vad);
    } else {
        start = vad->Parent;
        replace_child(tree, vad->Parent, vad, vad->LeftChild ? vad->LeftChild : vad->RightChild);
    }
    /* A removed node points nowhere, so a stale use shows up at once. */
    vad->Parent = NULL;
    vad->LeftChild = NULL;
    vad->RightChild = NULL;
    tree->count--;
    retrace(tree, start);
}

static struct vad *leftmost(struct vad *n)
{
    while (n && n->LeftChild)
        n = n->LeftChild;
    return n;
}

static struct vad *rightmost(struct vad *n)
{
    while (n && n->RightChild)
        n = n->RightChild;
    return n;
}

struct vad *vad_first(const struct vad_tree *tree)
{
    return leftmost(tree->root);
}

struct vad *vad_last(const struct vad_tree *tree)
{
    return rightmost(tree->root);
}

/* Successor: the leftmost of the right subtree, or else the first ancestor
 * reached from a left child. */
struct vad *vad_next(const struct vad *vad)
{
    const struct vad *n = vad;
    struct vad *p;

    if (n->RightChild)
        return leftmost(n->RightChild);
    p = n->Parent;
    while (p && n == p->RightChild) {
        n = p;
        p = p->Parent;
    }
    return p;
}

struct vad *vad_prev(const struct vad *vad)
{
    const struct vad *n = vad;
    struct vad *p;

    if (n->LeftChild)
        return rightmost(n->LeftChild);
    p = n->Parent;
    while (p && n == p->LeftChild) {
        n = p;
        p = p->Parent;
    }
    return p;
}

unsigned vad_level(const struct vad *vad)
{
    unsigned level = 0;

    for (; vad; vad = vad->Parent)
        level++;
    return level;
}

/* --- free-range search (MiFindEmptyAddressRange[DownTree]) --------------- */

struct free_query {
    uint64_t low, high;   /* inclusive bounds of the search */
    uint64_t pages;       /* >= 1 */
    uint64_t align;       /* >= 1 */
    bool top_down;
    uint64_t found;       /* the answer, when a search returns true */
};

/* The lowest aligned start in the free range [a, b] (already clipped, a <= b).
 * Every step is checked before it is taken, so nothing wraps near 2^64. */
static bool fit_up(struct free_query *q, uint64_t a, uint64_t b)
{
    uint64_t rest = a % q->align;
    uint64_t s = a;

    if (rest) {
        if (q->align - rest > b - a)
            return false;
        s = a + (q->align - rest);
    }
    if (b - s < q->pages - 1)
        return false;
    q->found = s;
    return true;
}

/* The highest aligned start in [a, b] whose range still ends by b. */
static bool fit_down(struct free_query *q, uint64_t a, uint64_t b)
{
    uint64_t last, s;

    if (b - a < q->pages - 1)
        return false;
    last = b - (q->pages - 1);
    s = last - last % q->align;
    if (s < a)
        return false;
    q->found = s;
    return true;
}

/* Tries one free range [a, b] (a <= b) of the address space, clipped to the
 * search bounds. */
static bool try_gap(struct free_query *q, uint64_t a, uint64_t b)
{
    if (a < q->low)
        a = q->low;
    if (b > q->high)
        b = q->high;
    if (a > b)
        return false;
    return q->top_down ? fit_down(q, a, b) : fit_up(q, a, b);
}

/* Upper bounds of the pages a search can place in n's subtree or in the
 * outer gap beside it: [from, subtree_low - 1] going up, [subtree_high + 1,
 * to] going down. Exact for the VAD_GRANULE alignment. */
static uint64_t bound_up(const struct free_query *q, const struct vad *n, uint64_t from)
{
    bool gap = n->subtree_low > from;
    if (q->align == VAD_GRANULE)
        return max_u64(n->max_granular_gap, gap ? granular(from, n->subtree_low - 1) : 0);
    return max_u64(n->max_gap, gap ? n->subtree_low - from : 0);
}

static uint64_t bound_down(const struct free_query *q, const struct vad *n, uint64_t to)
{
    bool gap = to > n->subtree_high;
    if (q->align == VAD_GRANULE)
        return max_u64(n->max_granular_gap, gap ? granular(n->subtree_high + 1, to) : 0);
    return max_u64(n->max_gap, gap ? to - n->subtree_high : 0);
}

/* Bottom-up: the gaps just before each node of n's subtree, in address
 * order; `from` is the first free VPN before the subtree's first node (its
 * predecessor's EndingVpn + 1, or 0). A subtree is skipped when all its gaps
 * lie outside the bounds or none is `pages` long. */
static bool search_up(struct free_query *q, const struct vad *n, uint64_t from)
{
    uint64_t gap_from;

    if (!n || from > q->high || n->subtree_high <= q->low)
        return false;
    if (bound_up(q, n, from) < q->pages)
        return false;
    if (search_up(q, n->LeftChild, from))
        return true;
    gap_from = n->LeftChild ? n->LeftChild->subtree_high + 1 : from;
    if (n->StartingVpn > gap_from && try_gap(q, gap_from, n->StartingVpn - 1))
        return true;
    /* A right child exists only if EndingVpn < UINT64_MAX: no wrap. */
    return n->RightChild && search_up(q, n->RightChild, n->EndingVpn + 1);
}

/* Top-down mirror: the gaps just after each node, highest first; `to` is the
 * last free VPN after the subtree's last node (its successor's StartingVpn
 * - 1, or UINT64_MAX). */
static bool search_down(struct free_query *q, const struct vad *n, uint64_t to)
{
    uint64_t gap_to;

    if (!n || to < q->low || n->subtree_low >= q->high)
        return false;
    if (bound_down(q, n, to) < q->pages)
        return false;
    if (search_down(q, n->RightChild, to))
        return true;
    gap_to = n->RightChild ? n->RightChild->subtree_low - 1 : to;
    if (n->EndingVpn < gap_to && try_gap(q, n->EndingVpn + 1, gap_to))
        return true;
    /* A left child exists only if StartingVpn > 0: no wrap. */
    return n->LeftChild && search_down(q, n->LeftChild, n->StartingVpn - 1);
}

bool vad_find_free(const struct vad_tree *tree, uint64_t low_vpn, uint64_t high_vpn,
                   uint64_t pages, uint64_t align_pages, bool top_down, uint64_t *start_vpn)
{
    struct free_query q = {low_vpn, high_vpn, pages, align_pages ? align_pages : 1, top_down, 0};
    const struct vad *root = tree->root;
    bool found;

    if (pages == 0 || low_vpn > high_vpn || high_vpn - low_vpn < pages - 1)
        return false;
    if (!root)
        found = try_gap(&q, 0, UINT64_MAX);
    else if (top_down) /* the gaps after each node, then the one before the first */
        found = search_down(&q, root, UINT64_MAX) ||
                (root->subtree_low > 0 && try_gap(&q, 0, root->subtree_low - 1));
    else /* the gaps before each node, then the one after the last */
        found = search_up(&q, root, 0) ||
                (root->subtree_high < UINT64_MAX && try_gap(&q, root->subtree_high + 1, UINT64_MAX));
    if (found)
        *start_vpn = q.found;
    return found;
}

/* --- vad_check ------------------------------------------------------------ */

struct vad_checker {
    const struct vad *prev; /* the last node visited in order */
    uint64_t nodes;
    char *message;
    unsigned long size;
};

/* What a subtree holds, computed from the nodes, not read from the fields. */
struct vad_summary {
    int height;
    uint64_t low, high, max_gap, max_granular_gap;
};

static bool fail(struct vad_checker *c, const char *format, ...)
{
    if (c->message && c->size) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(c->message, c->size, format, ap);
        va_end(ap);
    }
    return false;
}

/* (1) against the in-order predecessor and within the node; (3) upward. */
static bool check_node(struct vad_checker *c, const struct vad *n, const struct vad *parent)
{
    if (n->Parent != parent)
        return fail(c, "(3) VAD %" PRIx64 "-%" PRIx64 " has Parent %p, expected %p",
                    n->StartingVpn, n->EndingVpn, (void *)n->Parent, (const void *)parent);
    if (n->StartingVpn > n->EndingVpn)
        return fail(c, "(1) VAD StartingVpn %" PRIx64 " > EndingVpn %" PRIx64,
                    n->StartingVpn, n->EndingVpn);
    return true;
}

static bool check_order(struct vad_checker *c, const struct vad *n)
{
    const struct vad *p = c->prev;

    if (p && p->EndingVpn >= n->StartingVpn)
        return fail(c, "(1) VAD %" PRIx64 "-%" PRIx64 " follows %" PRIx64 "-%" PRIx64 " in order",
                    n->StartingVpn, n->EndingVpn, p->StartingVpn, p->EndingVpn);
    c->prev = n;
    c->nodes++;
    return true;
}

/* (2) and (4) at n, from its children's summaries. Runs after (1) has been
 * checked around n, so the gap subtractions cannot wrap. */
static bool check_bookkeeping(struct vad_checker *c, const struct vad *n, const struct vad_summary *l,
                              const struct vad_summary *r, struct vad_summary *out)
{
    out->height = 1 + (l->height > r->height ? l->height : r->height);
    out->low = n->LeftChild ? l->low : n->StartingVpn;
    out->high = n->RightChild ? r->high : n->EndingVpn;
    out->max_gap = max_u64(l->max_gap, r->max_gap);
    out->max_granular_gap = max_u64(l->max_granular_gap, r->max_granular_gap);
    if (n->LeftChild) {
        out->max_gap = max_u64(out->max_gap, n->StartingVpn - l->high - 1);
        out->max_granular_gap = max_u64(out->max_granular_gap, granular(l->high + 1, n->StartingVpn - 1));
    }
    if (n->RightChild) {
        out->max_gap = max_u64(out->max_gap, r->low - n->EndingVpn - 1);
        out->max_granular_gap = max_u64(out->max_granular_gap, granular(n->EndingVpn + 1, r->low - 1));
    }
    if (l->height - r->height > 1 || r->height - l->height > 1)
        return fail(c, "(2) VAD %" PRIx64 " is out of balance: heights %d and %d",
                    n->StartingVpn, l->height, r->height);
    if (n->height != out->height)
        return fail(c, "(2) VAD %" PRIx64 " height %d, expected %d", n->StartingVpn, n->height,
                    out->height);
    if (n->max_granular_gap != out->max_granular_gap)
        return fail(c, "(4) VAD %" PRIx64 " granular gap %" PRIx64 ", expected %" PRIx64,
                    n->StartingVpn, n->max_granular_gap, out->max_granular_gap);
    if (n->subtree_low != out->low || n->subtree_high != out->high || n->max_gap != out->max_gap)
        return fail(c, "(4) VAD %" PRIx64 " subtree %" PRIx64 "-%" PRIx64 " gap %" PRIx64
                    ", expected %" PRIx64 "-%" PRIx64 " gap %" PRIx64, n->StartingVpn,
                    n->subtree_low, n->subtree_high, n->max_gap, out->low, out->high, out->max_gap);
    return true;
}

/* In-order walk; recursion depth is the tree's height (capped). */
static bool check_subtree(struct vad_checker *c, const struct vad *n, const struct vad *parent,
                          unsigned depth, struct vad_summary *out)
{
    struct vad_summary l = {0, 0, 0, 0, 0}, r = {0, 0, 0, 0, 0};

    if (depth > VAD_MAX_DEPTH)
        return fail(c, "(2) the tree is deeper than %d levels", VAD_MAX_DEPTH);
    if (!check_node(c, n, parent))
        return false;
    if (n->LeftChild && !check_subtree(c, n->LeftChild, n, depth + 1, &l))
        return false;
    if (!check_order(c, n))
        return false;
    if (n->RightChild && !check_subtree(c, n->RightChild, n, depth + 1, &r))
        return false;
    return check_bookkeeping(c, n, &l, &r, out);
}

bool vad_check(const struct vad_tree *tree, char *message, unsigned long size)
{
    struct vad_checker c = {NULL, 0, message, size};
    struct vad_summary whole;

    if (tree->root && !check_subtree(&c, tree->root, NULL, 1, &whole))
        return false;
    if (c.nodes != tree->count)
        return fail(&c, "the tree holds %" PRIu64 " VADs, count says %" PRIu64, c.nodes,
                    tree->count);
    if (message && size)
        snprintf(message, size, "ok");
    return true;
}

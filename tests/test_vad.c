/*
 * test_vad.c — the VAD tree (src/mm/vad.c): MiInsertVad / MiRemoveVad shapes
 * and levels on small trees, MiLocateAddress lookups, exact
 * MiFindEmptyAddressRange[DownTree] answers (alignment, bounds, the top of a
 * 64-bit VPN space), and a randomized differential test against a sorted
 * array searched by brute force, with vad_check after every operation.
 *
 * The randomized test prints its seed and operation number on failure; set
 * NTMM_VAD_SEED=<seed> to replay that one seed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "mm/vad.h"

#define VPN_MAX (UINT64_MAX >> 12)

static void set_range(struct vad *v, uint64_t start, uint64_t end)
{
    memset(v, 0, sizeof *v);
    v->StartingVpn = start;
    v->EndingVpn = end;
}

static void check_tree(const struct vad_tree *tree)
{
    char message[256];
    if (!vad_check(tree, message, sizeof message))
        fail_msg("vad_check: %s", message);
}

static void insert_range(struct vad_tree *tree, struct vad *v, uint64_t start, uint64_t end)
{
    set_range(v, start, end);
    assert_null(vad_first_overlap(tree, start, end));
    vad_insert(tree, v);
    check_tree(tree);
}

/* Node i (1..7) covers [10 i, 10 i + 4]. */
static void insert_seven(struct vad_tree *tree, struct vad *v, bool ascending)
{
    for (int k = 1; k <= 7; k++) {
        int i = ascending ? k : 8 - k;
        insert_range(tree, &v[i], 10u * (unsigned)i, 10u * (unsigned)i + 4);
    }
}

static uint64_t find_free(const struct vad_tree *tree, uint64_t low, uint64_t high, uint64_t pages,
                          uint64_t align, bool top_down)
{
    uint64_t start = 0xdeadbeef;
    assert_true(vad_find_free(tree, low, high, pages, align, top_down, &start));
    return start;
}

static bool no_free(const struct vad_tree *tree, uint64_t low, uint64_t high, uint64_t pages,
                    uint64_t align, bool top_down)
{
    uint64_t start = 0xdeadbeef;
    bool found = vad_find_free(tree, low, high, pages, align, top_down, &start);
    assert_int_equal(start, 0xdeadbeef); /* untouched on failure */
    return !found;
}

/* ----------------------------------------------------------- small trees */

static void test_insert_find_navigate(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    struct vad v[5];
    const uint64_t starts[5] = {50, 10, 90, 30, 70}; /* v[i] covers [start, start + 9] */

    assert_null(vad_first(&tree));
    assert_null(vad_last(&tree));
    assert_null(vad_find(&tree, 0));
    assert_null(vad_first_overlap(&tree, 0, UINT64_MAX));
    check_tree(&tree);
    for (int i = 0; i < 5; i++)
        insert_range(&tree, &v[i], starts[i], starts[i] + 9);
    assert_int_equal(tree.count, 5);

    assert_ptr_equal(vad_find(&tree, 10), &v[1]);
    assert_ptr_equal(vad_find(&tree, 19), &v[1]);
    assert_null(vad_find(&tree, 20));
    assert_null(vad_find(&tree, 9));
    assert_ptr_equal(vad_find(&tree, 55), &v[0]);
    assert_ptr_equal(vad_find(&tree, 99), &v[2]);
    assert_null(vad_find(&tree, 100));

    assert_ptr_equal(vad_first_overlap(&tree, 0, 10), &v[1]);
    assert_null(vad_first_overlap(&tree, 0, 9));
    assert_null(vad_first_overlap(&tree, 20, 29));
    assert_ptr_equal(vad_first_overlap(&tree, 20, 30), &v[3]);
    assert_ptr_equal(vad_first_overlap(&tree, 15, 95), &v[1]);
    assert_ptr_equal(vad_first_overlap(&tree, 39, 1000), &v[3]);
    assert_ptr_equal(vad_first_overlap(&tree, 40, UINT64_MAX), &v[0]);
    assert_null(vad_first_overlap(&tree, 100, UINT64_MAX));
    assert_null(vad_first_overlap(&tree, 60, 50)); /* empty range */

    const struct vad *order[5] = {&v[1], &v[3], &v[0], &v[4], &v[2]};
    assert_ptr_equal(vad_first(&tree), order[0]);
    assert_ptr_equal(vad_last(&tree), order[4]);
    for (int i = 0; i < 5; i++) {
        assert_ptr_equal(vad_next(order[i]), i < 4 ? order[i + 1] : NULL);
        assert_ptr_equal(vad_prev(order[i]), i > 0 ? order[i - 1] : NULL);
    }
    assert_int_equal(tree.root->subtree_low, 10);
    assert_int_equal(tree.root->subtree_high, 99);
    assert_int_equal(tree.root->max_gap, 10);
}

/* Ascending and descending insertions both rotate into the perfect tree
 * 4 / 2 6 / 1 3 5 7; a zig-zag insertion needs the double rotation. */
static void test_rotation_shapes(void **state)
{
    (void)state;
    for (int pass = 0; pass < 2; pass++) {
        struct vad_tree tree = {NULL, 0};
        struct vad v[8];
        insert_seven(&tree, v, pass == 0);
        assert_ptr_equal(tree.root, &v[4]);
        assert_int_equal(tree.root->height, 3);
        assert_null(v[4].Parent);
        const unsigned level[8] = {0, 3, 2, 3, 1, 3, 2, 3};
        for (int i = 1; i <= 7; i++)
            assert_int_equal(vad_level(&v[i]), level[i]);
        assert_ptr_equal(v[2].LeftChild, &v[1]);
        assert_ptr_equal(v[2].RightChild, &v[3]);
        assert_ptr_equal(v[6].LeftChild, &v[5]);
        assert_ptr_equal(v[6].RightChild, &v[7]);
        assert_int_equal(v[2].subtree_low, 10);
        assert_int_equal(v[2].subtree_high, 34);
        assert_int_equal(v[2].max_gap, 5);
    }
    struct vad_tree tree = {NULL, 0};
    struct vad z[3];
    insert_range(&tree, &z[0], 300, 309);
    insert_range(&tree, &z[1], 100, 109);
    insert_range(&tree, &z[2], 200, 209); /* left-right case */
    assert_ptr_equal(tree.root, &z[2]);
    assert_int_equal(vad_level(&z[1]), 2);
    assert_int_equal(vad_level(&z[0]), 2);
    assert_int_equal(tree.root->max_gap, 90);
}

/* Removal of a leaf, of a one-child node, of the root (successor deep in
 * the right subtree) and of a node whose successor is its right child; the
 * successor is relinked, so the caller's pointers stay valid. */
static void test_remove_cases(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    struct vad v[8];
    insert_seven(&tree, v, true);

    vad_remove(&tree, &v[1]); /* leaf */
    check_tree(&tree);
    assert_null(v[1].Parent);
    assert_null(vad_find(&tree, 10));
    assert_ptr_equal(v[2].RightChild, &v[3]);
    assert_null(v[2].LeftChild);
    assert_int_equal(tree.root->subtree_low, 20);

    vad_remove(&tree, &v[4]); /* root: successor 5 is a leaf under 6 */
    check_tree(&tree);
    assert_ptr_equal(tree.root, &v[5]);
    assert_int_equal(vad_level(&v[5]), 1);
    assert_ptr_equal(v[5].LeftChild, &v[2]);
    assert_ptr_equal(v[5].RightChild, &v[6]);
    assert_null(v[4].Parent);
    assert_null(v[4].LeftChild);
    assert_null(v[4].RightChild);
    assert_int_equal(v[5].StartingVpn, 50); /* not a copy */
    assert_int_equal(tree.root->max_gap, 15); /* 35..49 freed by 4 */

    vad_remove(&tree, &v[2]); /* one child (3) */
    check_tree(&tree);
    assert_ptr_equal(v[5].LeftChild, &v[3]);

    vad_remove(&tree, &v[5]); /* root with two children; successor 6 is its right child */
    check_tree(&tree);
    assert_ptr_equal(tree.root, &v[6]);
    assert_ptr_equal(v[6].LeftChild, &v[3]);
    assert_ptr_equal(v[6].RightChild, &v[7]);
    assert_int_equal(tree.count, 3);
    assert_int_equal(tree.root->max_gap, 25);

    vad_remove(&tree, &v[6]);
    vad_remove(&tree, &v[3]);
    check_tree(&tree);
    assert_ptr_equal(tree.root, &v[7]);
    assert_int_equal(tree.root->height, 1);
    assert_int_equal(tree.root->max_gap, 0);
    vad_remove(&tree, &v[7]);
    check_tree(&tree);
    assert_null(tree.root);
    assert_int_equal(tree.count, 0);
}

/* Removing from the short side forces a rotation at the root. */
static void test_remove_rebalances(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    struct vad v[8];
    insert_seven(&tree, v, true);
    vad_remove(&tree, &v[1]);
    vad_remove(&tree, &v[3]);
    vad_remove(&tree, &v[5]);
    check_tree(&tree);
    assert_ptr_equal(tree.root, &v[4]); /* 4 / 2 6 / - - - 7 */
    vad_remove(&tree, &v[2]); /* 4 is now right-heavy by 2: rotate left */
    check_tree(&tree);
    assert_ptr_equal(tree.root, &v[6]);
    assert_ptr_equal(v[6].LeftChild, &v[4]);
    assert_ptr_equal(v[6].RightChild, &v[7]);
    assert_int_equal(vad_level(&v[4]), 2);
    assert_int_equal(tree.root->height, 2);
}

/* vad_check names the broken invariant. */
static void test_check_reports(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    struct vad v[8];
    char message[256];
    insert_seven(&tree, v, true);

    v[3].max_gap++;
    assert_false(vad_check(&tree, message, sizeof message));
    assert_non_null(strstr(message, "(4)"));
    v[3].max_gap--;
    v[5].Parent = &v[2];
    assert_false(vad_check(&tree, message, sizeof message));
    assert_non_null(strstr(message, "(3)"));
    v[5].Parent = &v[6];
    v[6].StartingVpn = 54; /* overlaps 5 */
    assert_false(vad_check(&tree, message, sizeof message));
    assert_non_null(strstr(message, "(1)"));
    v[6].StartingVpn = 60;
    v[7].height = 2;
    assert_false(vad_check(&tree, message, sizeof message));
    assert_non_null(strstr(message, "(2)"));
    v[7].height = 1;
    assert_true(vad_check(&tree, message, sizeof message));
}

/* ------------------------------------------------------ find_free, exact */

static void test_find_free_empty(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    assert_int_equal(find_free(&tree, 5, 1000, 10, 16, false), 16);
    assert_int_equal(find_free(&tree, 5, 1000, 10, 16, true), 976); /* 976 + 9 <= 1000 */
    assert_int_equal(find_free(&tree, 5, 1000, 10, 0, false), 5);   /* align 0 = 1 */
    assert_int_equal(find_free(&tree, 5, 1000, 10, 0, true), 991);
    assert_int_equal(find_free(&tree, 5, 14, 10, 1, false), 5);     /* exactly fits */
    assert_int_equal(find_free(&tree, 5, 14, 10, 1, true), 5);
    assert_true(no_free(&tree, 5, 13, 10, 1, false));
    assert_true(no_free(&tree, 5, 13, 10, 1, true));
    assert_true(no_free(&tree, 1, 20, 10, 16, false)); /* 16..25 ends past 20 */
    assert_true(no_free(&tree, 1, 20, 10, 16, true));
    assert_true(no_free(&tree, 0, 100, 0, 1, false)); /* pages == 0 */
    assert_true(no_free(&tree, 0, 100, 0, 1, true));
    assert_true(no_free(&tree, 10, 9, 1, 1, false)); /* empty bounds */
    assert_int_equal(find_free(&tree, 7, 7, 1, 1, true), 7);
}

/* Nodes [0,9] [20,29] [35,99] [200,299]; free: 10-19, 30-34, 100-199, 300-. */
static void build_gaps(struct vad_tree *tree, struct vad *v)
{
    insert_range(tree, &v[0], 200, 299);
    insert_range(tree, &v[1], 0, 9);
    insert_range(tree, &v[2], 35, 99);
    insert_range(tree, &v[3], 20, 29);
    assert_int_equal(tree->root->max_gap, 100);
}

static void test_find_free_gaps(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    struct vad v[4];
    build_gaps(&tree, v);
    /* bottom-up: first gap big enough */
    assert_int_equal(find_free(&tree, 0, 1000, 5, 1, false), 10);
    assert_int_equal(find_free(&tree, 0, 1000, 10, 1, false), 10);  /* just fits */
    assert_int_equal(find_free(&tree, 0, 1000, 11, 1, false), 100); /* too small */
    assert_int_equal(find_free(&tree, 0, 1000, 100, 1, false), 100);
    assert_int_equal(find_free(&tree, 0, 1000, 101, 1, false), 300);
    /* alignment pushes 16 + 4 past 19 and 32 + 4 past 34 */
    assert_int_equal(find_free(&tree, 0, 1000, 5, 16, false), 112);
    assert_int_equal(find_free(&tree, 0, 1000, 4, 16, false), 16);
    assert_int_equal(find_free(&tree, 0, 1000, 90, 16, false), 304); /* 112+89 > 199 */
    /* top-down */
    assert_int_equal(find_free(&tree, 0, 1000, 5, 1, true), 996);
    assert_int_equal(find_free(&tree, 0, 299, 5, 1, true), 195);
    assert_int_equal(find_free(&tree, 0, 299, 5, 64, true), 192);
    assert_true(no_free(&tree, 0, 299, 5, 256, true)); /* 0 is taken */
    assert_int_equal(find_free(&tree, 0, 1000, 5, 256, true), 768);
}

static void test_find_free_bounds(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    struct vad v[4];
    build_gaps(&tree, v);
    assert_int_equal(find_free(&tree, 0, 99, 5, 1, true), 30);
    assert_int_equal(find_free(&tree, 0, 99, 6, 1, true), 14);
    assert_true(no_free(&tree, 0, 99, 11, 1, true));  /* no gap before [0,9] */
    assert_true(no_free(&tree, 0, 99, 11, 1, false));
    assert_int_equal(find_free(&tree, 15, 33, 5, 1, false), 15); /* 15-19 */
    assert_int_equal(find_free(&tree, 15, 33, 4, 1, true), 30);  /* 30-33 */
    assert_true(no_free(&tree, 15, 33, 6, 1, false));            /* 15-19, 30-33 */
    assert_true(no_free(&tree, 15, 33, 6, 1, true));
    assert_int_equal(find_free(&tree, 12, 1000, 10, 1, false), 100); /* 12-19 clipped */
    assert_int_equal(find_free(&tree, 0, 150, 50, 1, true), 101);    /* 100-150 */
    assert_true(no_free(&tree, 0, 150, 52, 1, true));
    /* bounds starting or ending inside nodes */
    assert_int_equal(find_free(&tree, 50, 250, 10, 1, false), 100);
    assert_int_equal(find_free(&tree, 50, 250, 10, 1, true), 190);
    assert_true(no_free(&tree, 36, 98, 1, 1, false));
    assert_true(no_free(&tree, 36, 98, 1, 1, true));
    /* all nodes below the bounds */
    assert_int_equal(find_free(&tree, 1000, 2000, 7, 1, false), 1000);
    assert_int_equal(find_free(&tree, 1000, 2000, 7, 1, true), 1994);
    assert_int_equal(find_free(&tree, 1000, 2000, 7, 256, true), 1792);
    /* all nodes above the bounds */
    struct vad_tree high = {NULL, 0};
    struct vad h;
    insert_range(&high, &h, 5000, 5999);
    assert_int_equal(find_free(&high, 10, 100, 7, 1, false), 10);
    assert_int_equal(find_free(&high, 10, 100, 7, 1, true), 94);
    assert_int_equal(find_free(&high, 4990, 7000, 10, 1, false), 4990);
    assert_int_equal(find_free(&high, 4990, 7000, 11, 1, false), 6000);
    assert_int_equal(find_free(&high, 4000, 6005, 6, 1, true), 6000);
    assert_int_equal(find_free(&high, 4000, 6005, 7, 1, true), 4993);
}

/* The top of the VPN space, empty tree: nothing may wrap past UINT64_MAX. */
static void test_find_free_near_max(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    assert_int_equal(find_free(&tree, 0, VPN_MAX, 1, 1, true), VPN_MAX);
    assert_int_equal(find_free(&tree, 0, VPN_MAX, 16, 16, true), VPN_MAX - 15);
    assert_int_equal(find_free(&tree, 0, VPN_MAX, 17, 16, true), VPN_MAX - 31);
    assert_int_equal(find_free(&tree, VPN_MAX, VPN_MAX, 1, 1, false), VPN_MAX);
    assert_true(no_free(&tree, VPN_MAX, VPN_MAX, 2, 1, false));
    assert_true(no_free(&tree, VPN_MAX - 5, VPN_MAX, 1, 1ull << 40, false));
    assert_true(no_free(&tree, UINT64_MAX - 5, UINT64_MAX, 1, 16, false)); /* align up wraps */
    assert_true(no_free(&tree, UINT64_MAX - 5, UINT64_MAX, 7, 1, true));
    assert_int_equal(find_free(&tree, UINT64_MAX - 5, UINT64_MAX, 6, 1, true), UINT64_MAX - 5);
    assert_int_equal(find_free(&tree, 0, UINT64_MAX, UINT64_MAX, 1, false), 0);
    assert_int_equal(find_free(&tree, 0, UINT64_MAX, UINT64_MAX, 2, true), 0);
    assert_int_equal(find_free(&tree, 1, UINT64_MAX, UINT64_MAX, 1, true), 1);
    assert_true(no_free(&tree, 1, UINT64_MAX, UINT64_MAX, 2, true));
    assert_true(no_free(&tree, 2, UINT64_MAX, UINT64_MAX, 1, false));
    assert_int_equal(find_free(&tree, 0, UINT64_MAX, 1, 1, true), UINT64_MAX);
}

/* Nodes touching VPN_MAX, UINT64_MAX and 0. */
static void test_find_free_nodes_near_max(void **state)
{
    (void)state;
    struct vad_tree tree = {NULL, 0};
    struct vad v[3];
    insert_range(&tree, &v[0], VPN_MAX - 9, VPN_MAX);
    insert_range(&tree, &v[1], UINT64_MAX - 9, UINT64_MAX);
    insert_range(&tree, &v[2], 0, 0);
    assert_int_equal(find_free(&tree, 0, VPN_MAX, 10, 1, true), VPN_MAX - 19);
    assert_int_equal(find_free(&tree, VPN_MAX - 15, VPN_MAX, 6, 1, false), VPN_MAX - 15);
    assert_true(no_free(&tree, VPN_MAX - 15, VPN_MAX, 7, 1, false));
    assert_int_equal(find_free(&tree, 0, UINT64_MAX, 1, 1, true), UINT64_MAX - 10);
    assert_int_equal(find_free(&tree, VPN_MAX - 5, UINT64_MAX, 1, 1, false), VPN_MAX + 1);
    assert_int_equal(find_free(&tree, 0, UINT64_MAX, 3, 4, false), 4);
    assert_true(no_free(&tree, UINT64_MAX - 9, UINT64_MAX, 1, 1, true));
    assert_true(no_free(&tree, UINT64_MAX - 9, UINT64_MAX, 1, 1, false));
    assert_ptr_equal(vad_find(&tree, UINT64_MAX), &v[1]);
    assert_ptr_equal(vad_first_overlap(&tree, VPN_MAX, UINT64_MAX), &v[0]);
    assert_ptr_equal(vad_first_overlap(&tree, VPN_MAX + 1, UINT64_MAX), &v[1]);
}

/* ---------------------------------------------- randomized differential */

#define UNIVERSE 4096u /* model VPNs are base + 0..UNIVERSE-1 */

struct model_range {
    uint64_t start, end; /* offsets from base, inclusive */
    struct vad *node;
};

struct model {
    uint64_t seed, rng, base;
    unsigned op;
    struct vad_tree tree;
    struct model_range ranges[UNIVERSE]; /* sorted by start */
    unsigned n;
    unsigned used[UNIVERSE + 1]; /* used[i]: occupied pages below offset i */
    bool used_stale;
    struct vad pool[UNIVERSE];
    struct vad *spare[UNIVERSE];
    unsigned spares;
};

#define REQUIRE(m, cond)                                                                       \
    do {                                                                                       \
        if (!(cond))                                                                           \
            fail_msg("seed %" PRIu64 " base %#" PRIx64 " op %u: %s (line %d)", (m)->seed,      \
                     (m)->base, (m)->op, #cond, __LINE__);                                     \
    } while (0)

static uint64_t rnd(struct model *m)
{
    m->rng ^= m->rng << 13;
    m->rng ^= m->rng >> 7;
    m->rng ^= m->rng << 17;
    return m->rng;
}

static uint64_t rnd_below(struct model *m, uint64_t n)
{
    return rnd(m) % n;
}

static void model_init(struct model *m, uint64_t seed, uint64_t base)
{
    memset(m, 0, sizeof *m);
    m->seed = seed;
    m->rng = seed ? seed : 1;
    m->base = base;
    for (unsigned i = 0; i < UNIVERSE; i++)
        m->spare[m->spares++] = &m->pool[UNIVERSE - 1 - i];
    m->used_stale = true;
}

static void refresh_used(struct model *m)
{
    if (!m->used_stale)
        return;
    static bool occupied[UNIVERSE];
    memset(occupied, 0, sizeof occupied);
    for (unsigned i = 0; i < m->n; i++)
        for (uint64_t p = m->ranges[i].start; p <= m->ranges[i].end; p++)
            occupied[p] = true;
    m->used[0] = 0;
    for (unsigned i = 0; i < UNIVERSE; i++)
        m->used[i + 1] = m->used[i] + occupied[i];
    m->used_stale = false;
}

static bool model_free(struct model *m, uint64_t first, uint64_t last)
{
    return m->used[last + 1] == m->used[first];
}

/* Brute force over every start offset; bounds are offsets in the universe. */
static bool model_find_free(struct model *m, uint64_t low, uint64_t high, uint64_t pages,
                            uint64_t align, bool top_down, uint64_t *out)
{
    refresh_used(m);
    if (pages == 0 || high - low + 1 < pages)
        return false;
    for (uint64_t i = 0; i <= high - low + 1 - pages; i++) {
        uint64_t s = top_down ? high - pages + 1 - i : low + i;
        if ((m->base + s) % align == 0 && model_free(m, s, s + pages - 1)) {
            *out = s;
            return true;
        }
    }
    return false;
}

static double log2_of(double x)
{
    double r = 0, bit = 0.5;
    while (x >= 2) {
        x /= 2;
        r += 1;
    }
    for (int i = 0; i < 40; i++, bit /= 2) {
        x *= x;
        if (x >= 2) {
            x /= 2;
            r += bit;
        }
    }
    return r;
}

/* vad_check, the in-order walks both ways and the root's bookkeeping against
 * the model, and the AVL height bound. */
static void compare_whole(struct model *m)
{
    char message[256];
    if (!vad_check(&m->tree, message, sizeof message))
        fail_msg("seed %" PRIu64 " base %#" PRIx64 " op %u: vad_check: %s", m->seed, m->base, m->op,
                 message);
    REQUIRE(m, m->tree.count == m->n);
    const struct vad *v = vad_first(&m->tree);
    for (unsigned i = 0; i < m->n; i++, v = vad_next(v))
        REQUIRE(m, v == m->ranges[i].node && v->StartingVpn == m->base + m->ranges[i].start &&
                       v->EndingVpn == m->base + m->ranges[i].end);
    REQUIRE(m, v == NULL);
    v = vad_last(&m->tree);
    for (unsigned i = m->n; i-- > 0; v = vad_prev(v))
        REQUIRE(m, v == m->ranges[i].node);
    REQUIRE(m, v == NULL);
    if (m->n == 0) {
        REQUIRE(m, m->tree.root == NULL);
        return;
    }
    uint64_t gap = 0;
    for (unsigned i = 1; i < m->n; i++)
        if (m->ranges[i].start - m->ranges[i - 1].end - 1 > gap)
            gap = m->ranges[i].start - m->ranges[i - 1].end - 1;
    REQUIRE(m, m->tree.root->max_gap == gap);
    REQUIRE(m, m->tree.root->subtree_low == m->base + m->ranges[0].start);
    REQUIRE(m, m->tree.root->subtree_high == m->base + m->ranges[m->n - 1].end);
    REQUIRE(m, m->tree.root->height <= 1.45 * log2_of(m->n + 2.0));
    REQUIRE(m, vad_level(m->ranges[0].node) <= (unsigned)m->tree.root->height);
}

static void op_insert(struct model *m)
{
    uint64_t pages = 1 + rnd_below(m, rnd_below(m, 4) == 0 ? 64 : 8);
    uint64_t at, low = rnd_below(m, UNIVERSE);
    if (!model_find_free(m, low, UNIVERSE - 1, pages, 1, rnd(m) & 1, &at))
        return;
    uint64_t start = m->base + at, end = start + pages - 1;
    REQUIRE(m, vad_first_overlap(&m->tree, start, end) == NULL);
    unsigned i = m->n;
    while (i > 0 && m->ranges[i - 1].start > at)
        i--;
    memmove(&m->ranges[i + 1], &m->ranges[i], (m->n - i) * sizeof m->ranges[0]);
    struct vad *node = m->spare[--m->spares];
    set_range(node, start, end);
    node->u.CommitCharge = pages; /* payload must survive relinking */
    m->ranges[i] = (struct model_range){at, at + pages - 1, node};
    m->n++;
    m->used_stale = true;
    vad_insert(&m->tree, node);
}

static void op_remove(struct model *m)
{
    if (m->n == 0)
        return;
    unsigned i = (unsigned)rnd_below(m, m->n);
    struct vad *node = m->ranges[i].node;
    REQUIRE(m, node->u.CommitCharge == m->ranges[i].end - m->ranges[i].start + 1);
    vad_remove(&m->tree, node);
    REQUIRE(m, node->Parent == NULL && node->LeftChild == NULL && node->RightChild == NULL);
    memmove(&m->ranges[i], &m->ranges[i + 1], (m->n - i - 1) * sizeof m->ranges[0]);
    m->n--;
    m->spare[m->spares++] = node;
    m->used_stale = true;
}

static const struct model_range *model_first_overlap(const struct model *m, uint64_t a, uint64_t b)
{
    for (unsigned i = 0; i < m->n; i++)
        if (m->ranges[i].end >= a && m->ranges[i].start <= b)
            return &m->ranges[i];
    return NULL;
}

static void op_queries(struct model *m)
{
    uint64_t a = rnd_below(m, UNIVERSE), b = rnd_below(m, UNIVERSE);
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    const struct model_range *r = model_first_overlap(m, a, a);
    REQUIRE(m, vad_find(&m->tree, m->base + a) == (r ? r->node : NULL));
    r = model_first_overlap(m, a, b);
    REQUIRE(m, vad_first_overlap(&m->tree, m->base + a, m->base + b) == (r ? r->node : NULL));

    static const uint64_t aligns[3] = {1, 16, 256};
    if (rnd_below(m, 4) == 0) { /* the whole universe */
        a = 0;
        b = UNIVERSE - 1;
    }
    uint64_t pages = 1 + rnd_below(m, rnd_below(m, 2) ? 16 : 300);
    uint64_t align = aligns[rnd_below(m, 3)];
    for (int top_down = 0; top_down < 2; top_down++) {
        uint64_t want = 0, got = 0;
        bool expect = model_find_free(m, a, b, pages, align, top_down, &want);
        bool found = vad_find_free(&m->tree, m->base + a, m->base + b, pages, align, top_down, &got);
        REQUIRE(m, found == expect);
        REQUIRE(m, !found || got == m->base + want);
    }
}

static void run_differential(uint64_t seed, uint64_t base, unsigned ops)
{
    static struct model m;
    model_init(&m, seed, base);
    for (m.op = 0; m.op < ops; m.op++) {
        /* grow for the first half, then shrink, so the tree gets deep and
         * removal sees every shape */
        unsigned insert_pct = m.op < ops / 2 ? 70 : 35;
        if (rnd_below(&m, 100) < insert_pct)
            op_insert(&m);
        else
            op_remove(&m);
        compare_whole(&m);
        op_queries(&m);
    }
}

static void test_randomized_differential(void **state)
{
    (void)state;
    static const uint64_t seeds[] = {1, 0x9e3779b97f4a7c15ull, 20240611, 0xdecafbad};
    static const uint64_t bases[] = {0, VPN_MAX + 1 - UNIVERSE, UINT64_MAX - (UNIVERSE - 1)};
    const char *replay = getenv("NTMM_VAD_SEED");
    for (unsigned b = 0; b < sizeof bases / sizeof bases[0]; b++) {
        if (replay) {
            run_differential(strtoull(replay, NULL, 0), bases[b], 3000);
            continue;
        }
        for (unsigned s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
            run_differential(seeds[s], bases[b], 3000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_find_navigate),
        cmocka_unit_test(test_rotation_shapes),
        cmocka_unit_test(test_remove_cases),
        cmocka_unit_test(test_remove_rebalances),
        cmocka_unit_test(test_check_reports),
        cmocka_unit_test(test_find_free_empty),
        cmocka_unit_test(test_find_free_gaps),
        cmocka_unit_test(test_find_free_bounds),
        cmocka_unit_test(test_find_free_near_max),
        cmocka_unit_test(test_find_free_nodes_near_max),
        cmocka_unit_test(test_randomized_differential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

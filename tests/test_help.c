/*
 * test_help.c — the shell's help (src/tools/help.h): every command in the
 * command table has an entry, every entry keeps help.h (3)'s rules (one-line
 * synopsis, a summary, text lines of at most 78 columns each ending in
 * "\n"), no two entries share a name, and help, apropos and the "did you
 * mean" of an unknown command print what they promise.
 */
#include "tools_testing.h"

#include "tools/help.h"
#include "tools/tool_internal.h"

static void test_every_command_has_an_entry(void **state)
{
    (void)state;
    for (size_t i = 0; i < tool_command_count; i++)
        if (!help_find(tool_commands[i].name))
            fail_msg("no help entry for the command %s", tool_commands[i].name);
}

static void check_text(const struct help_entry *e)
{
    const char *line = e->text;
    if (!*line)
        fail_msg("%s: empty text", e->name);
    while (*line) {
        const char *end = strchr(line, '\n');
        if (!end)
            fail_msg("%s: the text's last line does not end in \\n: \"%s\"", e->name, line);
        if (end - line > 78)
            fail_msg("%s: a line of %d columns: \"%.*s\"", e->name, (int)(end - line),
                     (int)(end - line), line);
        for (const char *p = line; p < end; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                fail_msg("%s: a character that is not printable ASCII (0x%02x)", e->name,
                         (unsigned char)*p);
        line = end + 1;
    }
}

static void test_entries_keep_the_rules(void **state)
{
    (void)state;
    size_t n = help_entry_count();
    assert_true(n >= tool_command_count);
    for (size_t i = 0; i < n; i++) {
        const struct help_entry *e = help_entry_at(i);
        assert_non_null(e);
        assert_non_null(e->name);
        assert_non_null(e->synopsis);
        assert_non_null(e->summary);
        assert_non_null(e->text);
        if (!*e->name || !*e->synopsis)
            fail_msg("entry %zu: an empty name or synopsis", i);
        if (strchr(e->synopsis, '\n'))
            fail_msg("%s: the synopsis is not one line", e->name);
        if (!*e->summary || strchr(e->summary, '\n'))
            fail_msg("%s: the summary is empty or not one line", e->name);
        if (e->group >= HELP_GROUP_COUNT)
            fail_msg("%s: no group", e->name);
        check_text(e);
        if (e->seeds && (!*e->seeds || strchr(e->seeds, '\n')))
            fail_msg("%s: seeds is empty or not one line", e->name);
    }
    assert_null(help_entry_at(n));
}

static void test_names_are_unique(void **state)
{
    (void)state;
    size_t n = help_entry_count();
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!strcmp(help_entry_at(i)->name, help_entry_at(j)->name))
                fail_msg("two entries named %s (%zu and %zu)", help_entry_at(i)->name, i, j);
}

static void test_help_and_apropos(void **state)
{
    (void)state;
    struct fixture f;
    fixture_start(&f, NTMM_ARCH_X86_PAE, 32ull << 20);
    const struct help_entry *pte = help_find("!pte");
    assert_non_null(pte);
    char *text = run(&f, STATUS_SUCCESS, "help !pte");
    assert_contains(text, pte->synopsis);
    assert_contains(text, pte->summary);
    free(text);
    text = run(&f, STATUS_SUCCESS, ".help !vad");
    assert_contains(text, help_find("!vad")->synopsis);
    free(text);
    text = run(&f, STATUS_SUCCESS, "help");
    assert_contains(text, help_group_title(HELP_DEBUGGER));
    assert_contains(text, pte->summary);
    free(text);
    text = run(&f, STATUS_OBJECT_NAME_NOT_FOUND, "help nosuch");
    assert_contains(text, "help: no help for 'nosuch'");
    free(text);
    text = run(&f, STATUS_SUCCESS, "apropos pagefile");
    assert_true(strlen(text) > 0);
    assert_null(strstr(text, "nothing mentions"));
    assert_contains(text, "  !vm ");
    free(text);
    text = run(&f, STATUS_SUCCESS, "apropos xyzzy-nowhere");
    assert_contains(text, "apropos: nothing mentions 'xyzzy-nowhere'");
    free(text);
    text = run(&f, STATUS_INVALID_PARAMETER, "apropos");
    free(text);
    fixture_free(&f);
}

static void test_unknown_command_suggests(void **state)
{
    (void)state;
    struct fixture f;
    fixture_start(&f, NTMM_ARCH_X86_PAE, 32ull << 20);
    char *text = run(&f, STATUS_OBJECT_NAME_NOT_FOUND, "!ptee 10000");
    assert_contains(text, "Unknown command '!ptee'\n");
    assert_contains(text, "Did you mean !pte?\n");
    free(text);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_command_has_an_entry),
        cmocka_unit_test(test_entries_keep_the_rules),
        cmocka_unit_test(test_names_are_unique),
        cmocka_unit_test(test_help_and_apropos),
        cmocka_unit_test(test_unknown_command_suggests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

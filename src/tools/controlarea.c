/*
 * controlarea.c — WinDbg's !ca (also !controlarea): one control area with
 * its segment and subsections, in the layout of WinDbg's output (Windows
 * Internals shows it): ControlArea @, Segment, Flink/Blink, Section Ref,
 * Pfn Ref, Mapped Views, User Ref, WaitForDel, Flush Count, File Object,
 * ModWriteCount, System Views, Flags, the file's name; Segment @ with its
 * ControlArea, Total Ptes, Segment Size, Committed; then each Subsection @
 * with Starting Sector, Number Of Sectors, Base Pte (SubsectionBase), Ptes
 * In Subsect, Flags, Sector Offset, Protection, Flink/Blink, MappedViews.
 *
 *   !ca Address [Flags]   Address: the control area (or its segment, a
 *                         subsection, or one of its prototype PTEs: the
 *                         pteaddress !pfn shows for a section page);
 *                         Flags 1 segment, 2 subsections (none: all)
 *   !ca, !ca 0            every control area, one line each (an ntmm
 *                         summary where WinDbg's !ca 0 prints each in full)
 *
 * What ntmm has and Windows' structures hold differently:
 *   - The addresses are pseudo addresses in nonpaged pool (introspect.h);
 *     ntmm's File objects have none, so File Object is shown at control
 *     area + 0x20, a slot no other structure uses.
 *   - Flags is built from what ntmm keeps, with Windows' XP bit values:
 *     Image 0x20, File 0x80, Reserve 0x1000 (pagefile-backed with pages not
 *     yet committed), Commit 0x2000 (pagefile-backed, all committed).
 *   - Flink/Blink (the unused segment list), WaitForDel, Flush Count,
 *     ModWriteCount and System Views are 0: ntmm deletes a control area as
 *     soon as nothing uses it and maps no view in system space.
 *   - Subsection Flags are _MMSUBSECTION_FLAGS as XP packs them: ReadOnly
 *     (bit 0), ReadWrite (bit 1), Protection (bits 4-8), SectorEndOffset
 *     (bits 20-31, the bytes of file data in the last, partial sector).
 *
 * (1) Nothing changes: everything comes from ntmm_control_area_query and
 *     ntmm_subsection_at, which read without the MMU.
 */
#include <stdio.h>

#include "tools/tool_internal.h"

#define CA_FILE_OBJECT_OFFSET 0x20u
#define FLAG_IMAGE 0x20u
#define FLAG_FILE 0x80u
#define FLAG_RESERVE 0x1000u
#define FLAG_COMMIT 0x2000u

static unsigned ca_flags(const struct ntmm_control_area_info *ca, char *names, size_t size)
{
    unsigned flags = (ca->image ? FLAG_IMAGE : 0) | (ca->file ? FLAG_FILE : 0) |
                     (!ca->file && ca->reserve ? FLAG_RESERVE : 0) |
                     (!ca->file && !ca->reserve ? FLAG_COMMIT : 0);
    snprintf(names, size, "%s%s%s%s", flags & FLAG_IMAGE ? " Image" : "",
             flags & FLAG_FILE ? " File" : "", flags & FLAG_RESERVE ? " Reserve" : "",
             flags & FLAG_COMMIT ? " Commit" : "");
    return flags;
}

static const char *ca_backing(const struct ntmm_control_area_info *ca, char *text, size_t size)
{
    if (!ca->file)
        snprintf(text, size, "%s", "Pagefile-backed section");
    else if (ca->file_name)
        snprintf(text, size, "File: %s", tool_file_name_text(ca->file_name).text);
    else
        snprintf(text, size, "%s", "No name for file");
    return text;
}

static void ca_print_control_area(struct tool_context *context,
                                  const struct ntmm_control_area_info *ca,
                                  struct tool_output *out)
{
    char names[64], backing[320];
    unsigned flags = ca_flags(ca, names, sizeof names);
    uint64_t file_object = ca->file ? ca->address + CA_FILE_OBJECT_OFFSET : 0;
    tool_printf(out, "ControlArea  @ %s\n", tool_address_text(context, ca->address, false).text);
    tool_printf(out, "  Segment      %s  Flink      %s  Blink        %s\n",
                tool_address_text(context, ca->segment, false).text,
                tool_address_text(context, 0, false).text,
                tool_address_text(context, 0, false).text);
    tool_printf(out, "  Section Ref  %8llu  Pfn Ref    %8llx  Mapped Views %8llu\n",
                (unsigned long long)ca->section_references,
                (unsigned long long)ca->pfn_references, (unsigned long long)ca->mapped_views);
    tool_printf(out, "  User Ref     %8llu  WaitForDel %8u  Flush Count  %8u\n",
                (unsigned long long)ca->user_references, 0u, 0u);
    tool_printf(out, "  File Object  %s  ModWriteCount %5u  System Views %8u\n",
                tool_address_text(context, file_object, false).text, 0u, 0u);
    tool_printf(out, "  Flags (%x)%s\n\n", flags, names);
    tool_printf(out, "      %s\n", ca_backing(ca, backing, sizeof backing));
}

static void ca_print_segment(struct tool_context *context, const struct ntmm_control_area_info *ca,
                             struct tool_output *out)
{
    char protection[48];
    struct ntmm_subsection_info first = { .base_pte = 0 };
    ntmm_subsection_at(context->machine, ca->address, 0, &first);
    tool_printf(out, "\nSegment @ %s\n", tool_address_text(context, ca->segment, false).text);
    tool_printf(out, "  ControlArea  %s  ExtendInfo %s\n",
                tool_address_text(context, ca->address, false).text,
                tool_address_text(context, 0, false).text);
    tool_printf(out, "  Total Ptes   %8llx  Segment Size %8llx  Committed %8llx\n",
                (unsigned long long)ca->total_ptes, (unsigned long long)ca->segment_size,
                (unsigned long long)ca->committed);
    tool_printf(out, "  ProtoPtes    %s  Protection %s\n",
                tool_address_text(context, first.base_pte, false).text,
                tool_protection_name(ca->protection, protection, sizeof protection));
    if (ca->image)
        tool_printf(out, "  Image Base   %s  Based Addr %s\n",
                    tool_address_text(context, ca->image_base, false).text,
                    tool_address_text(context, ca->based_address, false).text);
}

static void ca_print_subsection(struct tool_context *context, unsigned index,
                                const struct ntmm_subsection_info *s, uint64_t mapped_views,
                                struct tool_output *out)
{
    unsigned base = s->protection & 7;
    bool writable = base == 4 || base == 6; /* MM_READWRITE, MM_EXECUTE_READWRITE */
    unsigned end_offset = (unsigned)(s->file_bytes % 512);
    unsigned flags = (writable ? 2u : 1u) | (s->protection & 0x1f) << 4 | end_offset << 20;
    tool_printf(out, "\nSubsection %u @ %s\n", index + 1,
                tool_address_text(context, s->address, false).text);
    tool_printf(out, "  ControlArea  %s  Starting Sector %8llx  Number Of Sectors %8llx\n",
                tool_address_text(context, s->control_area, false).text,
                (unsigned long long)s->starting_sector, (unsigned long long)s->number_of_sectors);
    tool_printf(out, "  Base Pte     %s  Ptes In Subsect %8llx  Unused Ptes       %8u\n",
                tool_address_text(context, s->base_pte, false).text, (unsigned long long)s->ptes,
                0u);
    tool_printf(out, "  Flags        %8x  Sector Offset   %8x  Protection        %8u\n", flags,
                end_offset, s->protection & 0x1f);
    bool copy_on_write = base == 5 || base == 7; /* MM_WRITECOPY, MM_EXECUTE_WRITECOPY */
    tool_printf(out, "  %s\n", writable ? "ReadWrite" : copy_on_write ? "ReadOnly CopyOnWrite"
                                                                     : "ReadOnly");
    tool_printf(out, "  Flink        %s  Blink           %s  MappedViews       %8llu\n",
                tool_address_text(context, 0, false).text,
                tool_address_text(context, 0, false).text, (unsigned long long)mapped_views);
}

/* !ca and !ca 0: one line per control area, oldest first. */
static NTSTATUS ca_list(struct tool_context *context, struct tool_output *out)
{
    int w = tool_is_x64(context) ? 17 : 11, ws = tool_is_x64(context) ? 17 : 8;
    tool_printf(out, "%-*s %-*s SectionRef PfnRef MappedViews Flags         Name\n", w,
                "ControlArea", ws, "Segment");
    struct ntmm_control_area_info ca;
    unsigned count = 0;
    for (; ntmm_control_area_at(context->machine, count, &ca); count++) {
        char names[64], backing[320];
        ca_flags(&ca, names, sizeof names);
        tool_printf(out, "%-*s %-*s %10llu %6llx %11llu %-13s %s\n", w,
                    tool_address_text(context, ca.address, false).text, ws,
                    tool_address_text(context, ca.segment, false).text,
                    (unsigned long long)ca.section_references,
                    (unsigned long long)ca.pfn_references, (unsigned long long)ca.mapped_views,
                    names + 1, ca_backing(&ca, backing, sizeof backing));
    }
    tool_printf(out, "\n%u control area%s\n", count, count == 1 ? "" : "s");
    return STATUS_SUCCESS;
}

NTSTATUS tool_ca(struct tool_context *context, const char *name, const char *args,
                 struct tool_output *out)
{
    char buffer[512], *words[3];
    size_t n = tool_split(args, buffer, words, 2);
    uint64_t address = 0, flags = 0;
    if (n > 2)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !ca [Address [Flags]]", name);
    if ((n >= 1 && !tool_eval(context, name, words[0], &address, out)) ||
        (n == 2 && !tool_eval(context, name, words[1], &flags, out)))
        return STATUS_INVALID_PARAMETER;
    if (flags & ~3ull)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: flags are 1 (segment) and 2 (subsections)", name);
    if (address == 0)
        return ca_list(context, out);
    struct ntmm_control_area_info ca;
    if (ntmm_control_area_query(context->machine, address, &ca) != STATUS_SUCCESS)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: %llx is not a control area", name,
                         (unsigned long long)address);
    if (!flags)
        flags = 3;
    ca_print_control_area(context, &ca, out);
    if (flags & 1)
        ca_print_segment(context, &ca, out);
    struct ntmm_subsection_info s;
    for (unsigned i = 0; (flags & 2) && ntmm_subsection_at(context->machine, ca.address, i, &s);
         i++)
        ca_print_subsection(context, i, &s, ca.mapped_views, out);
    return STATUS_SUCCESS;
}

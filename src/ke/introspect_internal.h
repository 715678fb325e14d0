/*
 * introspect_internal.h — what the introspect*.c files of src/ke share:
 * the view details of a VAD and the pseudo addresses and names of a
 * control area, read from mm/section.h for introspect.h's views.
 *
 * (1) Every function here only reads: no frame, PTE, list or counter moves.
 */
#ifndef NTMM_INTROSPECT_INTERNAL_H
#define NTMM_INTROSPECT_INTERNAL_H

#include "ke/machine.h"
#include "ntmm/introspect.h"

struct vad;
struct mm_control_area;

/* Fills the view fields of info (control area, prototype PTEs, file) for a
 * Mapped VAD; leaves them 0 for private memory. */
void introspect_view_info(const struct vad *v, struct ntmm_vad_info *info);
/* The pseudo address !ca shows a control area's segment at. */
uint64_t introspect_segment_address(const struct mm_control_area *ca);
/* The name the control area's file was opened with, NULL if pagefile-backed. */
const char *introspect_file_name(const struct mm_control_area *ca);

#endif

/* The text of a spreadsheet cell as the register reads it: spaces, keys for matching names, digits, codes. */
#ifndef CELL_H
#define CELL_H

#include "arena.h"

/* Every function takes a NUL-terminated UTF-8 cell and returns a new string allocated in the arena
 * (valid until the arena is reset), or the cell itself where said. */

/* Spaces of any kind (spaces, tabs, line breaks, no-break spaces) as one space, trimmed. */
char *cell_clean(struct arena *, const char *s);
/* A key for comparing names: cleaned, lower case (Latin and Cyrillic А..Я), Ё and ё as е. Nothing
 * else is folded: quotes, dashes and punctuation stay as they are. */
const char *cell_key(struct arena *, const char *s);
/* s with at most max code points, "…" marking a cut; s itself when it is short enough. */
const char *cell_cut(struct arena *, const char *s, long max);
/* The digits of s (spaces of any kind dropped, so "4816 105358" is 4816105358), or NULL when s has
 * anything else. An empty or blank s gives "". */
const char *cell_digits(struct arena *, const char *s);
/* An OKTMO code of 8 or 11 digits; 7 or 10 digits lost their leading zero in Excel and get it back.
 * NULL when the cell is not such a code. */
const char *cell_oktmo(struct arena *, const char *s);

#endif

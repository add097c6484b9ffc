/* The bar chart of a coverage report: one bar per row, as SVG lengths for the page's template. */
#ifndef CHART_H
#define CHART_H

#include <jansson.h>

#include "matrix.h"

/* The height of a bar with its label above it, in CSS pixels. */
#define CHART_BAR_STEP 40

/* The chart of the row totals of m as JSON (new reference): {height, bars: [{name, pct_text,
 * label_y, bar_y, width}]}, one bar per row of rows ({name, ...}, in m's row order). Lengths are
 * CSS pixels; a bar's width is a percentage of the chart's width with a decimal point ("87.5%",
 * at most "100.0%"), so the labels keep their size on a phone. No rows: height 0, no bars. */
json_t *chart_json(const struct matrix *m, json_t *rows);

#endif

/* The bar chart of a coverage report: one bar per row, as SVG lengths for the page's template. */
#include "chart.h"

#include <stdio.h>

#include "pct.h"

json_t *chart_json(const struct matrix *m, json_t *rows)
{
	json_t *bars = json_array(), *x;
	size_t i;

	json_array_foreach (rows, i, x) {
		long long p = matrix_tenths(matrix_cell(m, i, m->ncols)), w = p > 1000 ? 1000 : p;
		char text[PCT_MAX], width[32];
		snprintf(width, sizeof(width), "%lld.%lld%%", w / 10, w % 10);
		json_array_append_new(bars, json_pack("{s:O, s:s, s:I, s:I, s:s}", "name", json_object_get(x, "name"),
						      "pct_text", pct_text(text, p), "label_y",
						      (json_int_t)(i * CHART_BAR_STEP + 16), "bar_y",
						      (json_int_t)(i * CHART_BAR_STEP + 22), "width", width));
	}
	return json_pack("{s:I, s:o}", "height", (json_int_t)(m->nrows * CHART_BAR_STEP), "bars", bars);
}

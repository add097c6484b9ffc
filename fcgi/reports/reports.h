/* Handlers of the reports program: training coverage by district and sector, exports. */
#ifndef REPORTS_H
#define REPORTS_H

#include "../core/app.h"

int pg_coverage(struct req *);
int pg_coverage_csv(struct req *);
int pg_coverage_xlsx(struct req *);
int pg_district(struct req *);
int pg_district_csv(struct req *);
int pg_district_xlsx(struct req *);

#endif

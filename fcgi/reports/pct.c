/* Percentages as the Russian reader writes them: «87,5%». */
#include "pct.h"

const char *pct_text(char buf[PCT_MAX], long long tenths)
{
	char *c = buf + PCT_MAX;
	long long whole = tenths / 10;

	*--c = '\0';
	*--c = '%';
	*--c = (char)('0' + tenths % 10);
	*--c = ',';
	do
		*--c = (char)('0' + whole % 10);
	while ((whole /= 10) > 0);
	return c;
}

/* The INN (taxpayer number) of an organisation or a person: its check digits. */
#include "inn.h"

#include <string.h>

int inn_valid(const char *s)
{
	static const int w[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
	size_t n = strlen(s), k, i;

	if ((n != 10 && n != 12) || strspn(s, "0123456789") != n)
		return 0;
	/* The check digits: the weights end-aligned with the digits before each. */
	for (k = n == 10 ? 9 : 10; k < n; k++) {
		int sum = 0;
		for (i = 0; i < k; i++)
			sum += w[11 - k + i] * (s[i] - '0');
		if (sum % 11 % 10 != s[k] - '0')
			return 0;
	}
	return 1;
}

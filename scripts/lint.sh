#!/usr/bin/env bash
# `make lint`: formatting (clang-format), static analysis (cppcheck), and no SQL assembled from strings.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
mapfile -t files < <(git ls-files '*.c' '*.h')

echo "lint: clang-format"
if ! clang-format --dry-run --Werror "${files[@]}"; then
    echo "lint: run clang-format -i on the files above" >&2
    status=1
fi

echo "lint: cppcheck"
if ! cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
    --inline-suppr -D__GNUC__ -D'json_array_foreach(a,i,v)=for(i=0;i<1;i++)' -D'json_object_foreach(o,k,v)=for(k=0;k;)' -I fcgi/core --suppress=missingIncludeSystem "${files[@]}"; then
    status=1
fi

# SQL text must be a constant in a statement table: a format or concatenation call whose
# arguments carry an SQL verb is SQL built from strings, and so is any direct query call
# outside the database module.
echo "lint: SQL built from strings"
sql_verbs='"[^"]*\<(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\>'
if grep -nE "(printf|strcat|strcpy|buf_add[sf]?|asprintf)\s*\(.*$sql_verbs" "${files[@]}"; then
    echo "lint: SQL assembled with a string function (above); use a prepared statement with ? parameters" >&2
    status=1
fi
if grep -nE '\<mysql_(real_)?query\s*\(|\<mysql_stmt_prepare\s*\(' "${files[@]}" | grep -v '^fcgi/core/db\.c:'; then
    echo "lint: only fcgi/core/db.c talks to MariaDB directly" >&2
    status=1
fi
if grep -nE 'mysql_(real_)?query\s*\([^,]+,\s*[^"]' fcgi/core/db.c | grep -v 'sql, strlen(sql)'; then
    echo "lint: fcgi/core/db.c sends a query that is not a constant" >&2
    status=1
fi

[[ $status == 0 ]] && echo "lint: all clean"
exit $status

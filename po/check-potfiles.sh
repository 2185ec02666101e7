#!/bin/sh
# check-potfiles.sh SOURCE-ROOT
#
# Fails when a source file with strings marked for translation is missing
# from po/POTFILES.in, or when the list names a file that is gone: either
# way `ninja godwit-pot` would silently drop or fail on strings.

root=${1:?usage: check-potfiles.sh SOURCE-ROOT}
cd "$root" || exit 1

listed=$(grep -v -e '^#' -e '^[[:space:]]*$' po/POTFILES.in)
status=0

for file in $listed; do
  if [ ! -f "$file" ]; then
    echo "po/POTFILES.in: $file does not exist"
    status=1
  fi
done

# C: gettext's own calls and GLib's macros; .ui: translatable properties.
# The data files are translatable by their format.
marked=$(grep -rlE --include='*.c' --include='*.h' --include='*.ui' \
           -e '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|gettext|ngettext|g_dgettext|g_dngettext|g_dcgettext|g_dpgettext2?)[[:space:]]*\(' \
           -e 'translatable="yes"' \
           src
         find data -maxdepth 1 \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' -o -name '*.gschema.xml' \))

for file in $marked; do
  if ! printf '%s\n' "$listed" | grep -qxF "$file"; then
    echo "$file: has translatable strings but is missing from po/POTFILES.in"
    status=1
  fi
done

if [ $status -eq 0 ]; then
  echo "po/POTFILES.in lists all $(printf '%s\n' "$marked" | wc -l) files with translatable strings"
fi
exit $status

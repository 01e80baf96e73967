#!/usr/bin/env bash
# Run an R script with Rscript for the reference side of the method benchmarks. When Rscript or the
# survival/nlme packages are missing, install Debian's r-base-core, r-cran-nlme and r-cran-survival with
# apt-get first (needs root). Exit status 3, with a message on stderr, when R cannot be had.
#   benchmarks/run_r.sh script.R [args...]
set -u
have_r() {
  command -v Rscript >/dev/null 2>&1 &&
    Rscript -e 'quit(status = as.integer(!all(c("nlme", "survival") %in% rownames(installed.packages()))))' \
      >/dev/null 2>&1
}
if ! have_r; then
  echo "run_r.sh: R with nlme and survival not found; installing r-base-core r-cran-nlme r-cran-survival" >&2
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-base-core r-cran-nlme r-cran-survival >&2
  fi
  if ! have_r; then
    echo "run_r.sh: could not install R (needs root and Debian's apt-get); the R reference is skipped" >&2
    exit 3
  fi
fi
exec Rscript "$@"

# Cross-check of helpers.methods.gls_arma against nlme::gls + corARMA.
# Usage (from the repository root): Rscript validation/zeng_peterson/nlme_check.R
# Reads tests/methods/fixtures/gls_panel_*.csv, writes tests/methods/fixtures/nlme_reference.json
suppressPackageStartupMessages(library(nlme))
fx <- "tests/methods/fixtures"
cases <- list(
  list(id = "balanced_arma11_reml_time", file = "gls_panel_balanced.csv", p = 1, q = 1, method = "REML", index = "time"),
  list(id = "balanced_arma11_ml_time",   file = "gls_panel_balanced.csv", p = 1, q = 1, method = "ML",   index = "time"),
  list(id = "gaps_arma11_reml_time",     file = "gls_panel_gaps.csv",     p = 1, q = 1, method = "REML", index = "time"),
  list(id = "gaps_arma11_ml_time",       file = "gls_panel_gaps.csv",     p = 1, q = 1, method = "ML",   index = "time"),
  list(id = "gaps_arma11_reml_order",    file = "gls_panel_gaps.csv",     p = 1, q = 1, method = "REML", index = "order"),
  list(id = "gaps_ar1_reml_time",        file = "gls_panel_gaps.csv",     p = 1, q = 0, method = "REML", index = "time"),
  list(id = "gaps_arma21_reml_time",     file = "gls_panel_gaps.csv",     p = 2, q = 1, method = "REML", index = "time")
)
json_num <- function(x) paste0("[", paste(sprintf("%.12g", x), collapse = ", "), "]")
json_str <- function(x) paste0("[", paste0('"', x, '"', collapse = ", "), "]")
out <- c()
for (cs in cases) {
  d <- read.csv(file.path(fx, cs$file))
  d$fyear <- factor(d$year)
  d <- d[order(d$dyad, d$year), ]
  form <- if (cs$index == "time") ~ year | dyad else ~ 1 | dyad
  t0 <- proc.time()[["elapsed"]]
  m <- gls(y ~ x1 + x2 + x3 + fyear, data = d, method = cs$method,
           correlation = corARMA(p = cs$p, q = cs$q, form = form))
  secs <- proc.time()[["elapsed"]] - t0
  arma <- coef(m$modelStruct$corStruct, unconstrained = FALSE)
  phi <- if (cs$p > 0) arma[seq_len(cs$p)] else numeric(0)
  theta <- if (cs$q > 0) arma[cs$p + seq_len(cs$q)] else numeric(0)
  out <- c(out, paste0(
    '"', cs$id, '": {',
    '"file": "', cs$file, '", "p": ', cs$p, ', "q": ', cs$q, ', "method": "', cs$method, '", "index": "', cs$index, '", ',
    '"terms": ', json_str(names(coef(m))), ', ',
    '"coef": ', json_num(coef(m)), ', ',
    '"se": ', json_num(sqrt(diag(vcov(m)))), ', ',
    '"phi": ', if (length(phi)) json_num(phi) else "[]", ', ',
    '"theta": ', if (length(theta)) json_num(theta) else "[]", ', ',
    '"sigma": ', sprintf("%.12g", m$sigma), ', ',
    '"loglik": ', sprintf("%.12g", as.numeric(logLik(m))), ', ',
    '"aic": ', sprintf("%.12g", AIC(m)), ', "bic": ', sprintf("%.12g", BIC(m)), ', ',
    '"nobs": ', nrow(d), ', "seconds": ', sprintf("%.3f", secs), '}'))
}
header <- paste0('"_origin": "nlme::gls + corARMA, R ', getRversion(), ', nlme ', packageVersion("nlme"),
                 ', validation/zeng_peterson/nlme_check.R"')
writeLines(paste0("{", header, ",\n", paste(out, collapse = ",\n"), "\n}"), file.path(fx, "nlme_reference.json"))
cat("wrote", file.path(fx, "nlme_reference.json"), "\n")

# Cross-check of helpers.methods.cox against R survival::coxph / cox.zph / survfit.
# Run from the repository root after export_inputs.py:
#   Rscript validation/dorff_minhas/cox_check.R
# Writes tests/methods/fixtures/cox_reference.json (R and survival versions recorded inside).
suppressMessages(library(survival))
fx <- "tests/methods/fixtures"
out <- list(R = R.version.string, survival = as.character(packageVersion("survival")))

d <- read.csv(file.path(fx, "cox_small_input.csv"))
fe <- coxph(Surv(start, stop, event) ~ x1 + x2, data = d, ties = "efron")
fb <- coxph(Surv(start, stop, event) ~ x1 + x2, data = d, ties = "breslow")
fc <- coxph(Surv(start, stop, event) ~ x1 + x2, data = d, ties = "efron", cluster = cluster)
z <- cox.zph(fe, transform = "km")
zl <- cox.zph(fe, transform = "log")
nd <- data.frame(x1 = c(-0.5, 1.2), x2 = c(0, 1))
sf <- survfit(fe, newdata = nd, conf.int = 0.95)
out$small <- list(
  efron = list(coef = unname(coef(fe)), se = unname(sqrt(diag(vcov(fe)))), loglik = fe$loglik,
               lr = unname(summary(fe)$logtest["test"])),
  breslow = list(coef = unname(coef(fb)), se = unname(sqrt(diag(vcov(fb)))), loglik = fb$loglik),
  cluster = list(coef = unname(coef(fc)), robust_se = unname(sqrt(diag(vcov(fc))))),
  zph_km = list(chisq = unname(z$table[, "chisq"]), p = unname(z$table[, "p"])),
  zph_log = list(chisq = unname(zl$table[, "chisq"])),
  survfit = list(time = sf$time, surv1 = unname(sf$surv[, 1]), surv2 = unname(sf$surv[, 2]),
                 se1 = unname(sf$std.err[, 1]), se2 = unname(sf$std.err[, 2]))
)

big <- "/tmp/dorff_minhas_model3.csv"
if (file.exists(big)) {
  a <- read.csv(big)
  m3 <- coxph(Surv(start, stop, compliance) ~ lag1_uData + lag1_SuData2 + noS + Ddistdata + lag1_tdata +
                lag1_allydata + lag1_polity2 + lag1_lgdpCAP + lag1_gdpGR + lag1_lpopulation + lag1_domSUM,
              data = a)
  m3c <- update(m3, cluster = caseid)
  zz <- cox.zph(m3)
  out$model3 <- list(coef = unname(coef(m3)), se = unname(sqrt(diag(vcov(m3)))),
                     lr = unname(summary(m3)$logtest["test"]), n = m3$n, events = m3$nevent,
                     cluster_se = unname(sqrt(diag(vcov(m3c)))),
                     zph_chisq = unname(zz$table[, "chisq"]))
}
to_json <- function(x) {
  if (is.list(x)) {
    inner <- vapply(names(x), function(k) sprintf('"%s": %s', k, to_json(x[[k]])), "")
    return(paste0("{", paste(inner, collapse = ", "), "}"))
  }
  if (is.character(x)) return(if (length(x) == 1) sprintf('"%s"', x) else paste0("[", paste(sprintf('"%s"', x), collapse = ", "), "]"))
  paste0("[", paste(formatC(as.numeric(x), digits = 15, format = "g"), collapse = ", "), "]")
}
writeLines(to_json(out), file.path(fx, "cox_reference.json"))
cat("wrote", file.path(fx, "cox_reference.json"), "\n")

#!/usr/bin/env Rscript
# Golden values for diapath's iglu parity test (crates/glucose/tests/it/iglu_parity.rs).
#
# Runs R iglu (4.3.0, github irinagain/iglu @ 33d72695) on the shared example data sets
# and writes tools/iglu/golden.json: every metric diapath computes, per subject.
#
# Usage: Rscript tools/iglu/golden.R [FIXTURE_DIR] [OUT_JSON]
#   FIXTURE_DIR defaults to ../shared/fixtures/cgm relative to the workspace root.
#
# Conventions, chosen to match how the Rust test imports the same files:
# - times are naive wall-clock strings, read as UTC (tz = "UTC", TZ=UTC for the session);
# - every metric is computed on one subject at a time. iglu's active_percent picks its
#   grid step from the first subject of a data frame and reuses it for the others;
#   calling it per subject gives each subject its own step, as diapath does;
# - CONGA uses n = 1 hour (diapath's default; iglu's own default is 24);
# - MAGE is iglu's default ("ma", short 5, long 32, max_gap 180, direction "avg").

Sys.setenv(TZ = "UTC")
suppressPackageStartupMessages({
  library(iglu)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "tools/iglu"
})
root <- normalizePath(file.path(script_dir, "..", ".."))
fixtures <- if (length(args) >= 1) args[1] else file.path(root, "..", "shared", "fixtures", "cgm")
out_path <- if (length(args) >= 2) args[2] else file.path(script_dir, "golden.json")

# iglu's example data (GPL, outside the repository) and diapath's own synthetic traces
# (tools/iglu/synthetic_cgm.csv, from make_synthetic.py), which cover 15- and 1-minute
# cadences, gaps around the 45- and 180-minute limits, plateaus and short traces.
files <- c(
  "iglu_example_data_5_subject.csv" = file.path(fixtures, "iglu_example_data_5_subject.csv"),
  "iglu_example_data_hall.csv" = file.path(fixtures, "iglu_example_data_hall.csv"),
  "synthetic_cgm.csv" = file.path(script_dir, "synthetic_cgm.csv")
)

num <- function(x) {
  x <- as.numeric(x)
  if (length(x) == 0 || is.na(x)) NULL else x
}

# A metric iglu cannot compute (NA, or an error such as a too-short trace) is null.
safe <- function(expr) {
  tryCatch(suppressMessages(suppressWarnings(expr)), error = function(e) NULL)
}

subject_metrics <- function(sub) {
  below <- below_percent(sub, targets_below = c(54, 63, 70))
  above <- above_percent(sub, targets_above = c(140, 180, 250))
  inr <- in_range_percent(sub, target_ranges = list(c(70, 180), c(70, 140), c(63, 140)))
  q <- quantile_glu(sub, quantiles = c(5, 25, 50, 75, 95))
  ap <- active_percent(sub, tz = "UTC")
  grid <- safe(CGMS2DayByDay(sub, tz = "UTC"))
  mage_grid <- safe(CGMS2DayByDay(sub, dt0 = 5, inter_gap = 45, tz = "UTC"))
  grid_summary <- function(gr) {
    if (is.null(gr)) return(NULL)
    v <- as.vector(t(gr$gd2d))
    list(dt0 = gr$dt0, days = nrow(gr$gd2d), points = length(v),
         present = sum(!is.na(v)), sum = sum(v, na.rm = TRUE))
  }
  list(
    readings = nrow(sub),
    days = as.numeric(difftime(max(sub$time), min(sub$time), units = "days")),
    active_percent = num(ap$active_percent),
    mean = num(mean_glu(sub)$mean),
    sd = num(sd_glu(sub)$SD),
    cv = num(cv_glu(sub)$CV),
    gmi = num(gmi(sub)$GMI),
    below_54 = num(below$below_54),
    below_63 = num(below$below_63),
    below_70 = num(below$below_70),
    above_140 = num(above$above_140),
    above_180 = num(above$above_180),
    above_250 = num(above$above_250),
    in_range_70_180 = num(inr$in_range_70_180),
    in_range_70_140 = num(inr$in_range_70_140),
    in_range_63_140 = num(inr$in_range_63_140),
    quantiles = as.numeric(q[1, c("5", "25", "50", "75", "95")]),
    j_index = num(j_index(sub)$J_index),
    conga_1h = num(safe(conga(sub, n = 1, tz = "UTC"))$CONGA),
    modd = num(safe(modd(sub, tz = "UTC"))$MODD),
    mage = num(safe(mage(sub, tz = "UTC"))$MAGE),
    gri = num(gri(sub, tz = "UTC")$GRI),
    lbgi = num(lbgi(sub)$LBGI),
    hbgi = num(hbgi(sub)$HBGI),
    adrr = num(adrr(sub)$ADRR),
    grid = grid_summary(grid),
    mage_grid = grid_summary(mage_grid)
  )
}

result <- list(
  generator = "tools/iglu/golden.R",
  iglu_version = as.character(packageVersion("iglu")),
  r_version = R.version.string,
  time_zone = "UTC",
  files = list()
)

for (f in names(files)) {
  raw <- read.csv(files[[f]], stringsAsFactors = FALSE)
  raw$time <- as.POSIXct(raw$time, format = "%Y-%m-%d %H:%M:%S", tz = "UTC")
  subjects <- list()
  for (id in unique(raw$id)) {
    sub <- raw[raw$id == id, c("id", "time", "gl")]
    sub <- sub[order(sub$time), ]
    rownames(sub) <- NULL
    subjects[[as.character(id)]] <- subject_metrics(sub)
  }
  result$files[[f]] <- subjects
}

writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null"), out_path)
cat("wrote", out_path, "\n")

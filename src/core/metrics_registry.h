// MetricsRegistry: names counters, gauges and histograms (core/metrics.h) with labels, and writes
// them in Prometheus' text exposition format, version 0.0.4.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/metrics.h"
#include "core/result.h"

namespace spotauth {

// The content type of Render's output.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Holds references, not metrics: whoever counts owns its metrics (a plain member, updated without
// any look-up) and adds them here once at start-up. Every metric added must outlive the last
// Render.
//
// Thread-safety: Add is for start-up, before any Render; Render may then run on any thread while
// the metrics are being updated.
class MetricsRegistry {
 public:
  // Adds one series, with `labels`, to the family `name`; the first Add of a name makes the
  // family, with `help`. Errors (kInvalidArgument): a metric or label name Prometheus refuses
  // (or "le" on a histogram), the name already used for another type or with another help
  // text, or the same labels twice in a family.
  [[nodiscard]] Result<void> Add(std::string_view name, std::string_view help, MetricLabels labels,
                                 const Counter& counter);
  [[nodiscard]] Result<void> Add(std::string_view name, std::string_view help, MetricLabels labels,
                                 const Gauge& gauge);
  [[nodiscard]] Result<void> Add(std::string_view name, std::string_view help, MetricLabels labels,
                                 const Histogram& histogram);

  // Every family in the order it was first added, each with # HELP and # TYPE lines, its series
  // in the order they were added; histograms as cumulative _bucket series (le ending in +Inf),
  // _sum in seconds and _count.
  std::string Render() const;

 private:
  using Metric = std::variant<const Counter*, const Gauge*, const Histogram*>;
  struct Series {
    MetricLabels labels;
    Metric metric;
  };
  struct Family {
    std::string name;
    std::string help;
    std::size_t kind;  // Metric's index
    std::vector<Series> series;
  };

  Result<void> AddSeries(std::string_view name, std::string_view help, MetricLabels labels,
                         Metric metric);

  std::vector<Family> families_;
};

// Label values may hold anything; in the exposition \, " and line feeds are escaped.
std::string EscapeLabelValue(std::string_view value);
// HELP text escapes \ and line feeds.
std::string EscapeHelp(std::string_view help);

}  // namespace spotauth

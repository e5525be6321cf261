#include "core/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>

namespace spotauth {
namespace {

constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};

bool IsNameChar(char c, bool first, bool colon_allowed) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return letter || (colon_allowed && c == ':') || (!first && c >= '0' && c <= '9');
}

// Prometheus' data model: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]* with names starting "__" reserved.
bool IsValidName(std::string_view name, bool metric) {
  if (name.empty() || (!metric && name.starts_with("__"))) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, metric)) return false;
  }
  return true;
}

void AppendNumber(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

template <class Int>
void AppendInteger(std::string& out, Int value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// {a="1",b="2"}, with `extra` (the histogram's le) last; nothing for no labels at all.
void AppendLabels(std::string& out, const MetricLabels& labels,
                  const std::pair<std::string_view, std::string_view>* extra = nullptr) {
  if (labels.empty() && !extra) return;
  out += '{';
  bool first = true;
  const auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out.append(name).append("=\"").append(EscapeLabelValue(value)).append("\"");
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (extra) one(extra->first, extra->second);
  out += '}';
}

void AppendHistogram(std::string& out, const std::string& name, const MetricLabels& labels,
                     const Histogram& histogram) {
  const Histogram::Snapshot snapshot = histogram.Read();
  std::string bound;
  for (std::size_t i = 0; i <= snapshot.bounds.size(); ++i) {
    bound.clear();
    AppendNumber(bound, i < snapshot.bounds.size() ? snapshot.bounds[i]
                                                   : std::numeric_limits<double>::infinity());
    const std::pair<std::string_view, std::string_view> le{"le", bound};
    out.append(name).append("_bucket");
    AppendLabels(out, labels, &le);
    out += ' ';
    AppendInteger(out, snapshot.cumulative[i]);
    out += '\n';
  }
  out.append(name).append("_sum");
  AppendLabels(out, labels);
  out += ' ';
  AppendNumber(out, snapshot.sum_seconds);
  out += '\n';
  out.append(name).append("_count");
  AppendLabels(out, labels);
  out += ' ';
  AppendInteger(out, snapshot.count);
  out += '\n';
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Result<void> MetricsRegistry::Add(std::string_view name, std::string_view help, MetricLabels labels,
                                  const Counter& counter) {
  return AddSeries(name, help, std::move(labels), &counter);
}

Result<void> MetricsRegistry::Add(std::string_view name, std::string_view help, MetricLabels labels,
                                  const Gauge& gauge) {
  return AddSeries(name, help, std::move(labels), &gauge);
}

Result<void> MetricsRegistry::Add(std::string_view name, std::string_view help, MetricLabels labels,
                                  const Histogram& histogram) {
  return AddSeries(name, help, std::move(labels), &histogram);
}

Result<void> MetricsRegistry::AddSeries(std::string_view name, std::string_view help,
                                        MetricLabels labels, Metric metric) {
  const std::string where = "metric " + std::string(name) + ": ";
  if (!IsValidName(name, true)) {
    return MakeError(ErrorCode::kInvalidArgument, where + "not a valid metric name");
  }
  const bool histogram = std::holds_alternative<const Histogram*>(metric);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i].first;
    if (!IsValidName(label, false) || (histogram && label == "le")) {
      return MakeError(ErrorCode::kInvalidArgument, where + "not a valid label name: " + label);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j].first == label) {
        return MakeError(ErrorCode::kInvalidArgument, where + "label repeated: " + label);
      }
    }
  }
  auto family = std::find_if(families_.begin(), families_.end(),
                             [&](const Family& f) { return f.name == name; });
  if (family == families_.end()) {
    families_.push_back(Family{std::string(name), std::string(help), metric.index(), {}});
    family = std::prev(families_.end());
  } else if (family->kind != metric.index() || family->help != help) {
    return MakeError(ErrorCode::kInvalidArgument,
                     where + "already added as another type or with another help text");
  }
  // Order matters to nobody but people reading a scrape, so {a,b} and {b,a} count as the same.
  auto sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  for (const Series& series : family->series) {
    auto other = series.labels;
    std::sort(other.begin(), other.end());
    if (other == sorted) {
      return MakeError(ErrorCode::kInvalidArgument, where + "the same labels added twice");
    }
  }
  family->series.push_back(Series{std::move(labels), metric});
  return {};
}

std::string MetricsRegistry::Render() const {
  std::string out;
  for (const Family& family : families_) {
    out.append("# HELP ").append(family.name).append(" ").append(EscapeHelp(family.help));
    out.append("\n# TYPE ").append(family.name).append(" ").append(kTypeNames[family.kind]);
    out += '\n';
    for (const Series& series : family.series) {
      if (const auto* histogram = std::get_if<const Histogram*>(&series.metric)) {
        AppendHistogram(out, family.name, series.labels, **histogram);
        continue;
      }
      out.append(family.name);
      AppendLabels(out, series.labels);
      out += ' ';
      if (const auto* counter = std::get_if<const Counter*>(&series.metric)) {
        AppendInteger(out, (*counter)->Value());
      } else {
        AppendInteger(out, std::get<const Gauge*>(series.metric)->Value());
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace spotauth

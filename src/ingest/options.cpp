// The one validation of IngestOptions and the one parser of a format list,
// shared by Ingestor::create, the CLI and the Python binding.
#include <chrono>
#include <cstdio>
#include <string>

#include "imagebank/hash/hash_index.hpp"
#include "imagebank/ingest/ingest.hpp"

namespace imagebank {
namespace {

using std::chrono::milliseconds;

// Seconds in their shortest form: 0.2, 300, -1.
std::string seconds_text(milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(ms.count()) / 1000);
  return buf;
}

// `option` names the member and, in brackets, the seconds argument the CLI
// (--lease-seconds) and Python (lease_seconds=) take for it.
Status check_duration(std::string_view option, milliseconds value,
                      milliseconds min, milliseconds max) {
  if (value >= min && value <= max) return {};
  return invalid_argument_error(std::string(option) + " must be within " +
                                seconds_text(min) + ".." + seconds_text(max) +
                                " seconds, not " + seconds_text(value));
}

// "jpeg, png, webp, avif": every format variants can be made in.
std::string variant_format_names() {
  std::string out;
  // Past the last enumerator format_name() says "unknown", which is skipped.
  for (int i = 0; i < 64; ++i) {
    const auto format = static_cast<Format>(i);
    if (!is_supported(format)) continue;
    if (!out.empty()) out += ", ";
    out += format_name(format);
  }
  return out;
}

Result<Format> parse_format(std::string_view name) {
  const std::optional<Format> format =
      format_from_name(name == "jpg" ? "jpeg" : name);
  if (!format) {
    return invalid_argument_error("formats: unknown format '" +
                                  std::string(name) + "' (" +
                                  variant_format_names() + ")");
  }
  if (!is_supported(*format)) {
    return invalid_argument_error("formats: cannot make variants in '" +
                                  std::string(name) + "' (" +
                                  variant_format_names() + ")");
  }
  return *format;
}

}  // namespace

Status validate(const IngestOptions& o) {
  using std::chrono::hours;
  if (o.max_attempts < 1 || o.max_attempts > 100) {
    return invalid_argument_error("max_attempts must be within 1..100, not " +
                                  std::to_string(o.max_attempts));
  }
  IMAGEBANK_RETURN_IF_ERROR(check_duration("lease (lease_seconds)", o.lease,
                                           milliseconds(200), hours(7 * 24)));
  IMAGEBANK_RETURN_IF_ERROR(check_duration("retry_delay (retry_seconds)",
                                           o.retry_delay, milliseconds(0),
                                           hours(24)));
  IMAGEBANK_RETURN_IF_ERROR(check_duration(
      "progress_interval", o.progress_interval, milliseconds(10), hours(1)));
  if (o.max_storage_failures < 1) {
    return invalid_argument_error(
        "max_storage_failures must be at least 1, not " +
        std::to_string(o.max_storage_failures));
  }
  if (o.near_radius < -1 || o.near_radius > HashIndex::kMaxRadius64) {
    return invalid_argument_error("near_radius must be within -1 (off).." +
                                  std::to_string(HashIndex::kMaxRadius64) +
                                  ", not " + std::to_string(o.near_radius));
  }
  if (o.presets.empty()) {
    return invalid_argument_error("presets: ingest needs at least one preset");
  }
  for (const Preset& p : o.presets) {
    const Status s = validate_preset(p);
    if (!s.ok()) return invalid_argument_error("presets: " + s.message());
  }
  if (o.formats.empty()) {
    return invalid_argument_error("formats: ingest needs at least one format");
  }
  for (const Format f : o.formats) {
    IMAGEBANK_RETURN_IF_ERROR(parse_format(format_name(f)).status());
  }
  if (o.analysis.workers < 1 || o.analysis.workers > 64) {
    return invalid_argument_error(
        "analysis.workers must be within 1..64, not " +
        std::to_string(o.analysis.workers));
  }
  if (o.analysis.request.schema_version < 1) {
    return invalid_argument_error(
        "analysis.request.schema_version must be at least 1");
  }
  if (o.analysis.label.size() > 4096) {
    return invalid_argument_error("analysis.label is longer than 4 KiB");
  }
  return {};
}

Result<std::vector<Format>> parse_formats(std::string_view list) {
  std::vector<Format> out;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    if (!name.empty()) {
      IMAGEBANK_ASSIGN_OR_RETURN(const Format f, parse_format(name));
      out.push_back(f);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

Result<std::vector<Format>> parse_formats(std::span<const std::string> names) {
  std::vector<Format> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    IMAGEBANK_ASSIGN_OR_RETURN(const Format f, parse_format(name));
    out.push_back(f);
  }
  return out;
}

}  // namespace imagebank

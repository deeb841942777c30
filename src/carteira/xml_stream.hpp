// Incremental XML parsing with expat, hardened for untrusted workbooks:
// OOXML parts never carry a DTD, so any DOCTYPE stops the parse (no entity
// can be declared, so none can expand: billion laughs and external entities
// are refused before they start), and expat's own amplification guard stays
// on behind it. Element and attribute names are handed over without their
// namespace prefix ("x:row" -> "row"), which is how spreadsheets are read
// by every tool that accepts the prefixed variants some generators write.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "imagebank/core/result.hpp"

namespace imagebank::carteira {

// Null-terminated name/value pairs, as expat passes them.
using XmlAttributes = const char**;

// The value of the attribute whose local name is `name`, or nullptr.
const char* xml_attribute(XmlAttributes attributes,
                          std::string_view name) noexcept;

// The part of `name` after its last ':'.
std::string_view local_name(const char* name) noexcept;

class XmlStream;

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, XmlAttributes attributes) = 0;
  virtual void end(std::string_view name) = 0;
  // Character data; one text node may arrive in several pieces.
  virtual void text(std::string_view) {}

 protected:
  // Stops the parse that is calling the handler; it returns `why`.
  void stop(Status why);

 private:
  friend class XmlStream;
  XmlStream* stream_ = nullptr;
};

// Fills `buffer` with up to `capacity` bytes of the document and returns how
// many; 0 at its end.
using XmlChunkReader =
    std::function<Result<std::size_t>(char* buffer, std::size_t capacity)>;

class XmlStream {
 public:
  // `what` names the document in messages ("book.xlsx: xl/styles.xml").
  XmlStream(XmlHandler& handler, std::string what);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Parses the whole document. corrupt_data for malformed XML (with line
  // and column), limit_exceeded for a DTD or entity expansion, or the
  // status a handler passed to stop() or the reader returned.
  Status parse(const XmlChunkReader& read);

  // From a handler: stop parsing; parse() returns `why`.
  void stop(Status why);
  bool stopped() const noexcept { return !stop_status_.ok(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Status stop_status_;
  std::string what_;
};

}  // namespace imagebank::carteira

#include "carteira/xml_stream.hpp"

#include <expat.h>

#include <cstring>

namespace imagebank::carteira {
namespace {

constexpr int kChunkBytes = 64 * 1024;

}  // namespace

struct XmlStream::Impl {
  XML_Parser parser = nullptr;
  XmlHandler* handler = nullptr;
  XmlStream* owner = nullptr;

  static void on_start(void* data, const XML_Char* name,
                       const XML_Char** attributes) {
    auto* self = static_cast<Impl*>(data);
    self->handler->start(local_name(name), attributes);
  }
  static void on_end(void* data, const XML_Char* name) {
    auto* self = static_cast<Impl*>(data);
    self->handler->end(local_name(name));
  }
  static void on_text(void* data, const XML_Char* s, int len) {
    auto* self = static_cast<Impl*>(data);
    self->handler->text(std::string_view(s, static_cast<std::size_t>(len)));
  }
  static void on_doctype(void* data, const XML_Char*, const XML_Char*,
                         const XML_Char*, int) {
    auto* self = static_cast<Impl*>(data);
    self->owner->stop(limit_exceeded_error(
        self->owner->what_ +
        ": has a DOCTYPE (spreadsheet XML never does; refused, as its "
        "entities could expand without bound)"));
  }
  static void on_entity_declaration(void* data, const XML_Char*, int,
                                    const XML_Char*, int, const XML_Char*,
                                    const XML_Char*, const XML_Char*,
                                    const XML_Char*) {
    // Reached only if a DOCTYPE slipped through: stop anyway.
    auto* self = static_cast<Impl*>(data);
    self->owner->stop(limit_exceeded_error(
        self->owner->what_ + ": declares XML entities (refused)"));
  }
};

const char* xml_attribute(XmlAttributes attributes,
                          std::string_view name) noexcept {
  for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (local_name(attributes[i]) == name) return attributes[i + 1];
  }
  return nullptr;
}

std::string_view local_name(const char* name) noexcept {
  // One pass: this runs for every element and attribute of a sheet.
  const char* start = name;
  const char* p = name;
  for (; *p != '\0'; ++p) {
    if (*p == ':') start = p + 1;
  }
  return std::string_view(start, static_cast<std::size_t>(p - start));
}

void XmlHandler::stop(Status why) {
  if (stream_ != nullptr) stream_->stop(std::move(why));
}

XmlStream::XmlStream(XmlHandler& handler, std::string what)
    : impl_(std::make_unique<Impl>()), what_(std::move(what)) {
  handler.stream_ = this;
  impl_->handler = &handler;
  impl_->owner = this;
  impl_->parser = XML_ParserCreate(nullptr);
  if (impl_->parser == nullptr) return;
  XML_SetUserData(impl_->parser, impl_.get());
  XML_SetElementHandler(impl_->parser, &Impl::on_start, &Impl::on_end);
  XML_SetCharacterDataHandler(impl_->parser, &Impl::on_text);
  XML_SetStartDoctypeDeclHandler(impl_->parser, &Impl::on_doctype);
  XML_SetEntityDeclHandler(impl_->parser, &Impl::on_entity_declaration);
  XML_SetParamEntityParsing(impl_->parser, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef XML_DTD
  XML_SetBillionLaughsAttackProtectionMaximumAmplification(impl_->parser,
                                                           10.0f);
  XML_SetBillionLaughsAttackProtectionActivationThreshold(impl_->parser,
                                                          1u << 20);
#endif
}

XmlStream::~XmlStream() {
  impl_->handler->stream_ = nullptr;
  if (impl_->parser != nullptr) XML_ParserFree(impl_->parser);
}

void XmlStream::stop(Status why) {
  if (stop_status_.ok()) stop_status_ = std::move(why);
  XML_StopParser(impl_->parser, XML_FALSE);
}

Status XmlStream::parse(const XmlChunkReader& read) {
  XML_Parser p = impl_->parser;
  if (p == nullptr)
    return internal_error(what_ + ": cannot create an XML parser");
  while (true) {
    void* buffer = XML_GetBuffer(p, kChunkBytes);
    if (buffer == nullptr) {
      return internal_error(what_ + ": XML parser out of memory");
    }
    Result<std::size_t> got = read(static_cast<char*>(buffer), kChunkBytes);
    if (!got.ok()) return got.status();
    const bool final = *got == 0;
    if (XML_ParseBuffer(p, static_cast<int>(*got), final) == XML_STATUS_ERROR) {
      if (!stop_status_.ok()) return stop_status_;
      const XML_Error code = XML_GetErrorCode(p);
      std::string message = what_ + ": malformed XML at line " +
                            std::to_string(XML_GetCurrentLineNumber(p)) +
                            ", column " +
                            std::to_string(XML_GetCurrentColumnNumber(p)) +
                            ": " + XML_ErrorString(code);
#ifdef XML_DTD
      if (code == XML_ERROR_AMPLIFICATION_LIMIT_BREACH) {
        return limit_exceeded_error(std::move(message));
      }
#endif
      return corrupt_data_error(std::move(message));
    }
    if (!stop_status_.ok()) return stop_status_;
    if (final) return ok_status();
  }
}

}  // namespace imagebank::carteira

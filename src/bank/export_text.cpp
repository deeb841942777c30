// The text formats of an export: CSV (RFC 4180, formula-safe cells) and
// JSON Lines (one Boost.JSON object per product).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "bank/export_internal.hpp"

namespace imagebank::export_detail {

std::string csv_cell(std::string_view text, char delimiter) {
  // OWASP's advice for CSV injection: a cell a spreadsheet would read as a
  // formula starts with an apostrophe instead.
  std::string value;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                        text[0] == '@' || text[0] == '\t' || text[0] == '\r')) {
    value += '\'';
  }
  value.append(text);
  bool quote = false;
  for (char c : value) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
      quote = true;
      break;
    }
  }
  if (!quote) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {

class CsvWriter final : public ExportWriter {
 public:
  CsvWriter(const ExportSink& sink, char delimiter, bool bom)
      : out_(sink), delimiter_(delimiter), bom_(bom) {}

  Status begin(const std::vector<Column>& columns) override {
    if (bom_) IMAGEBANK_RETURN_IF_ERROR(out_.append("\xEF\xBB\xBF"));
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) line += delimiter_;
      line += csv_cell(columns[i].name, delimiter_);
    }
    line += "\r\n";
    return out_.append(line);
  }

  Status row(const ExportRow&, const std::vector<Cell>& cells) override {
    line_.clear();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line_ += delimiter_;
      // Numbers are ours (counts, a confidence): never neutralised, so a
      // negative number stays a number.
      if (cells[i].number) {
        line_ += cells[i].text;
      } else {
        line_ += csv_cell(cells[i].text, delimiter_);
      }
    }
    line_ += "\r\n";
    return out_.append(line_);
  }

  Status finish(
      const std::vector<std::pair<std::string, std::string>>&) override {
    return out_.flush();
  }
  std::int64_t bytes() const override { return out_.bytes(); }

 private:
  BufferedSink out_;
  char delimiter_;
  bool bom_;
  std::string line_;
};

class JsonlWriter final : public ExportWriter {
 public:
  explicit JsonlWriter(const ExportSink& sink) : out_(sink) {}

  Status begin(const std::vector<Column>&) override { return Status(); }

  Status row(const ExportRow& r, const std::vector<Cell>&) override {
    const Product& p = r.summary->product;
    boost::json::object o;
    o["sku"] = p.sku;
    o["sku_base"] = p.sku_base;
    o["marca_catalogo"] = r.brand;
    o["colecao_catalogo"] = r.collection;
    boost::json::object carteira;
    for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
      const std::string& v = p.fields.*(f.member);
      if (!v.empty()) carteira[f.name] = v;
    }
    o["carteira"] = std::move(carteira);
    boost::json::object extra;
    for (const auto& [k, v] : p.extra) extra[k] = v;
    o["extra"] = std::move(extra);
    o["fotos"] = r.summary->photos;
    boost::json::object views;
    for (const auto& [label, n] : r.views) views[label] = n;
    o["fotos_por_vista"] = std::move(views);
    o["cobertura"] = r.coverage;
    boost::json::array missing;
    for (const std::string& v : r.missing_views) missing.emplace_back(v);
    o["vistas_faltando"] = std::move(missing);
    boost::json::object statuses;
    for (ImageStatus s :
         {ImageStatus::kPending, ImageStatus::kPendingAiAnalysis,
          ImageStatus::kApproved, ImageStatus::kRejected}) {
      statuses[status_label(s)] = r.statuses[static_cast<std::size_t>(s)];
    }
    o["imagens_por_status"] = std::move(statuses);
    if (r.photo_urls.empty()) {
      o["url_capa"] = nullptr;
    } else {
      o["url_capa"] = r.photo_urls.front();
    }
    boost::json::array images;
    for (std::size_t i = 0; i < r.images.size(); ++i) {
      const ImageRecord& image = *r.images[i];
      images.push_back({{"id", image.id},
                        {"nome", image.original_name},
                        {"vista", view_label(image.view)},
                        {"sequencia", image.sequence},
                        {"status", status_label(image.status)},
                        {"largura", image.width},
                        {"altura", image.height},
                        {"url", r.image_urls[i]}});
    }
    o["imagens"] = std::move(images);
    if (r.ai != nullptr) {
      const AiAnalysis& a = *r.ai;
      boost::json::array colors;
      for (const VisionColor& c : a.colors) {
        colors.push_back(
            {{"nome", c.name}, {"hex", c.hex}, {"fracao", c.share}});
      }
      boost::json::array tags;
      for (const std::string& t : a.tags) tags.emplace_back(t);
      o["ia"] = {{"imagem", a.image_id},
                 {"tipo_peca", a.garment_type},
                 {"cor", a.color},
                 {"cores", std::move(colors)},
                 {"material", a.material},
                 {"estilo", a.style},
                 {"descricao", a.description},
                 {"tags", std::move(tags)},
                 {"confianca", a.confidence},
                 {"provedor", a.provider},
                 {"modelo", a.model}};
    }
    std::string line = boost::json::serialize(o);
    line += '\n';
    return out_.append(line);
  }

  Status finish(
      const std::vector<std::pair<std::string, std::string>>&) override {
    return out_.flush();
  }
  std::int64_t bytes() const override { return out_.bytes(); }

 private:
  BufferedSink out_;
};

}  // namespace

std::unique_ptr<ExportWriter> make_csv_writer(const ExportSink& sink,
                                              char delimiter, bool bom) {
  return std::make_unique<CsvWriter>(sink, delimiter, bom);
}

std::unique_ptr<ExportWriter> make_jsonl_writer(const ExportSink& sink) {
  return std::make_unique<JsonlWriter>(sink);
}

}  // namespace imagebank::export_detail

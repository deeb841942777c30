#include "adapters/vision/answer.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "adapters/vision/remote.hpp"

namespace imagebank::vision {

namespace json = boost::json;

namespace {

constexpr double kBoxSlack = 0.02;

// ---- the prompt -----------------------------------------------------------

constexpr std::string_view kPromptHead =
    "Você cataloga fotos de produtos de moda de uma marca brasileira. "
    "Olhe a foto e responda somente com um objeto JSON no esquema pedido, "
    "com os textos em português do Brasil.\n"
    "- description: uma ou duas frases objetivas sobre a peça principal "
    "(tipo, cor, material, modelagem, detalhes).\n"
    "- tags: até 12 palavras-chave curtas, em minúsculas (\"manga longa\", "
    "\"decote v\", \"estampa floral\").\n"
    "- colors: as cores da peça principal, não do fundo, da maior área para "
    "a menor: name em português (\"azul-marinho\", \"vinho\", "
    "\"off-white\"), hex \"#rrggbb\" e share, a fração da área da peça "
    "(0 a 1).\n"
    "- material: o tecido ou material aparente (\"algodão\", \"jeans\", "
    "\"couro\", \"linho\", \"malha\").\n"
    "- garment_type: o tipo da peça principal (\"vestido\", \"blusa\", "
    "\"calça\", \"saia\", \"bolsa\", \"sandália\", ...).\n"
    "- style: o estilo (\"casual\", \"festa\", \"praia\", \"social\", "
    "\"esportivo\", \"básico\").\n";

constexpr std::string_view kPromptItemsXywh =
    "- items: até 4 peças visíveis (num look, cada peça; numa foto de "
    "produto, só ela), cada uma com label (o tipo da peça), box = [x, y, "
    "largura, altura] normalizados de 0 a 1 a partir do canto superior "
    "esquerdo da foto, colors, material, pattern (a estampa: \"listrada\", "
    "\"floral\", \"lisa\") e confidence de 0 a 1.\n";

constexpr std::string_view kPromptItemsBox2d =
    "- items: até 4 peças visíveis (num look, cada peça; numa foto de "
    "produto, só ela), cada uma com label (o tipo da peça), box_2d = [ymin, "
    "xmin, ymax, xmax] em inteiros de 0 a 1000, colors, material, pattern "
    "(a estampa: \"listrada\", \"floral\", \"lisa\") e confidence de 0 a "
    "1.\n";

constexpr std::string_view kPromptNoItems =
    "- items: sempre uma lista vazia.\n";

constexpr std::string_view kPromptTail =
    "- confidence: de 0 a 1, quanto a resposta inteira é confiável.\n"
    "Nunca invente: o que a foto não mostra com clareza fica null (ou lista "
    "vazia), nunca um palpite.";

// ---- the schemas ----------------------------------------------------------

json::object nullable(std::string_view type) {
  return json::object{{"type", json::array{type, "null"}}};
}

json::object strict_object(json::object properties) {
  json::array required;
  for (const auto& p : properties) required.emplace_back(p.key());
  return json::object{{"type", "object"},
                      {"properties", std::move(properties)},
                      {"required", std::move(required)},
                      {"additionalProperties", false}};
}

json::object openai_color() {
  return strict_object(json::object{{"name", {{"type", "string"}}},
                                    {"hex", nullable("string")},
                                    {"share", nullable("number")}});
}

json::object gemini_type(std::string_view type, bool is_nullable = false) {
  json::object o{{"type", type}};
  if (is_nullable) o["nullable"] = true;
  return o;
}

json::object gemini_object(json::object properties,
                           std::vector<std::string_view> order) {
  json::array required;
  json::array ordering;
  for (std::string_view k : order) {
    required.emplace_back(k);
    ordering.emplace_back(k);
  }
  return json::object{{"type", "OBJECT"},
                      {"properties", std::move(properties)},
                      {"required", std::move(required)},
                      {"propertyOrdering", std::move(ordering)}};
}

json::object gemini_color() {
  return gemini_object(json::object{{"name", gemini_type("STRING")},
                                    {"hex", gemini_type("STRING", true)},
                                    {"share", gemini_type("NUMBER", true)}},
                       {"name", "hex", "share"});
}

// ---- the parser -----------------------------------------------------------

// Reads one field of the model's answer; a wrong type is a schema break.
class Reader {
 public:
  explicit Reader(std::string& error) : error_(error) {}

  // "" for null or missing; a non-string sets the error.
  std::string text(const json::object& o, std::string_view key,
                   std::string_view where) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (!v->is_string()) {
      fail(std::string(where) + std::string(key) + " is not a string");
      return {};
    }
    return std::string(trim(v->as_string()));
  }

  // 0 for null or missing; must be a finite number.
  double number(const json::object& o, std::string_view key,
                std::string_view where) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return 0;
    if (!v->is_number()) {
      fail(std::string(where) + std::string(key) + " is not a number");
      return 0;
    }
    const double d = v->to_number<double>();
    if (!std::isfinite(d))
      fail(std::string(where) + std::string(key) + " is not finite");
    return d;
  }

  // The list, or nullptr for null or missing.
  const json::array* list(const json::object& o, std::string_view key,
                          std::string_view where) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_array()) {
      fail(std::string(where) + std::string(key) + " is not a list");
      return nullptr;
    }
    return &v->as_array();
  }

  // A share or confidence in 0..1 (a hair over 1 is clamped).
  double unit(const json::object& o, std::string_view key,
              std::string_view where) {
    const double d = number(o, key, where);
    if (d < 0 || d > 1 + 1e-6) {
      fail(std::string(where) + std::string(key) + " is outside 0..1");
      return 0;
    }
    return std::min(d, 1.0);
  }

  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }
  bool failed() const { return !error_.empty(); }

 private:
  std::string& error_;
};

std::vector<VisionColor> read_colors(Reader& r, const json::object& o,
                                     const std::string& where) {
  std::vector<VisionColor> out;
  const json::array* colors = r.list(o, "colors", where);
  if (colors == nullptr) return out;
  for (std::size_t i = 0; i < colors->size(); ++i) {
    const std::string at = where + "colors[" + std::to_string(i) + "].";
    if (!(*colors)[i].is_object()) {
      r.fail(at.substr(0, at.size() - 1) + " is not an object");
      return out;
    }
    const json::object& c = (*colors)[i].as_object();
    VisionColor color;
    color.name = lower_text(r.text(c, "name", at));
    color.hex = normalize_hex(r.text(c, "hex", at));
    color.share = r.unit(c, "share", at);
    // A colour without a name says nothing.
    if (!color.name.empty()) out.push_back(std::move(color));
  }
  return out;
}

void read_item(Reader& r, const json::object& o, BoxFormat format,
               const std::string& where, std::vector<VisionItem>& out) {
  VisionItem item;
  item.label = lower_text(r.text(o, "label", where));
  const std::string_view box_key =
      format == BoxFormat::kBox2d ? "box_2d" : "box";
  const json::array* box = r.list(o, box_key, where);
  if (box == nullptr) return;  // an item nobody located is no item
  if (box->size() != 4) {
    r.fail(where + std::string(box_key) + " does not have 4 numbers");
    return;
  }
  std::array<double, 4> b{};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!(*box)[i].is_number()) {
      r.fail(where + std::string(box_key) + " does not have 4 numbers");
      return;
    }
    b[i] = (*box)[i].to_number<double>();
  }
  Result<std::array<double, 4>> normal =
      format == BoxFormat::kBox2d
          ? box_from_box2d(b)
          : normalized_box(b[0], b[1], b[0] + b[2], b[1] + b[3]);
  if (!normal.ok()) {
    r.fail(where + std::string(box_key) + ": " + normal.status().message());
    return;
  }
  item.box = *normal;
  item.colors = read_colors(r, o, where);
  if (std::string m = lower_text(r.text(o, "material", where)); !m.empty()) {
    item.attributes["material"] = std::move(m);
  }
  if (std::string p = lower_text(r.text(o, "pattern", where)); !p.empty()) {
    item.attributes["estampa"] = std::move(p);
  }
  item.confidence = r.unit(o, "confidence", where);
  out.push_back(std::move(item));
}

}  // namespace

std::string vision_prompt(const VisionRequest& request, BoxFormat format) {
  std::string out(kPromptHead);
  if (!request.want_items) {
    out += kPromptNoItems;
  } else {
    out += format == BoxFormat::kBox2d ? kPromptItemsBox2d : kPromptItemsXywh;
  }
  out += kPromptTail;
  if (!request.locale.empty() && request.locale != "pt-BR") {
    out += "\nEscreva os textos no idioma de código '" + request.locale + "'.";
  }
  return out;
}

std::string_view vision_user_text() {
  return "Descreva esta foto de produto no esquema JSON pedido.";
}

std::string openai_schema_json() {
  const json::object item = strict_object(json::object{
      {"label", nullable("string")},
      {"box", {{"type", "array"}, {"items", {{"type", "number"}}}}},
      {"colors", {{"type", "array"}, {"items", openai_color()}}},
      {"material", nullable("string")},
      {"pattern", nullable("string")},
      {"confidence", nullable("number")}});
  const json::object root = strict_object(json::object{
      {"description", nullable("string")},
      {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
      {"colors", {{"type", "array"}, {"items", openai_color()}}},
      {"material", nullable("string")},
      {"garment_type", nullable("string")},
      {"style", nullable("string")},
      {"items", {{"type", "array"}, {"items", item}}},
      {"confidence", nullable("number")}});
  return json::serialize(root);
}

std::string gemini_schema_json() {
  const json::object item = gemini_object(
      json::object{
          {"label", gemini_type("STRING", true)},
          {"box_2d", {{"type", "ARRAY"}, {"items", gemini_type("INTEGER")}}},
          {"colors", {{"type", "ARRAY"}, {"items", gemini_color()}}},
          {"material", gemini_type("STRING", true)},
          {"pattern", gemini_type("STRING", true)},
          {"confidence", gemini_type("NUMBER", true)}},
      {"label", "box_2d", "colors", "material", "pattern", "confidence"});
  const json::object root = gemini_object(
      json::object{
          {"description", gemini_type("STRING", true)},
          {"tags", {{"type", "ARRAY"}, {"items", gemini_type("STRING")}}},
          {"colors", {{"type", "ARRAY"}, {"items", gemini_color()}}},
          {"material", gemini_type("STRING", true)},
          {"garment_type", gemini_type("STRING", true)},
          {"style", gemini_type("STRING", true)},
          {"items", {{"type", "ARRAY"}, {"items", item}}},
          {"confidence", gemini_type("NUMBER", true)}},
      {"description", "tags", "colors", "material", "garment_type", "style",
       "items", "confidence"});
  return json::serialize(root);
}

Status parse_model_answer(std::string_view text, BoxFormat format,
                          bool want_items, VisionResult& out) {
  json::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) {
    return corrupt_data_error("the model's answer is not JSON (" +
                              ec.message() + ")");
  }
  if (!doc.is_object()) {
    return corrupt_data_error("the model's answer is not a JSON object");
  }
  const json::object& o = doc.as_object();
  std::string error;
  Reader r(error);
  out.description = r.text(o, "description", "");
  if (const json::array* tags = r.list(o, "tags", "")) {
    for (const json::value& t : *tags) {
      if (!t.is_string()) {
        r.fail("tags has a value that is not a string");
        break;
      }
      out.tags.emplace_back(t.as_string());
    }
  }
  out.colors = read_colors(r, o, "");
  out.material = lower_text(r.text(o, "material", ""));
  out.garment_type = lower_text(r.text(o, "garment_type", ""));
  out.style = lower_text(r.text(o, "style", ""));
  out.confidence = r.unit(o, "confidence", "");
  const json::array* items = r.list(o, "items", "");
  if (items != nullptr && want_items) {
    for (std::size_t i = 0; i < items->size() && !r.failed(); ++i) {
      const std::string at = "items[" + std::to_string(i) + "].";
      if (!(*items)[i].is_object()) {
        r.fail("items[" + std::to_string(i) + "] is not an object");
        break;
      }
      read_item(r, (*items)[i].as_object(), format, at, out.items);
    }
  }
  if (r.failed()) {
    return corrupt_data_error("the model's answer breaks the schema: " + error);
  }
  return ok_status();
}

Result<std::array<double, 4>> normalized_box(double left, double top,
                                             double right, double bottom) {
  for (double v : {left, top, right, bottom}) {
    if (!std::isfinite(v) || v < -kBoxSlack || v > 1 + kBoxSlack) {
      return corrupt_data_error("the box lies outside the picture");
    }
  }
  left = std::clamp(left, 0.0, 1.0);
  top = std::clamp(top, 0.0, 1.0);
  right = std::clamp(right, 0.0, 1.0);
  bottom = std::clamp(bottom, 0.0, 1.0);
  if (right <= left || bottom <= top) {
    return corrupt_data_error("the box is empty");
  }
  return std::array<double, 4>{left, top, right - left, bottom - top};
}

Result<std::array<double, 4>> box_from_box2d(const std::array<double, 4>& b) {
  // [ymin, xmin, ymax, xmax] per mille.
  return normalized_box(b[1] / 1000.0, b[0] / 1000.0, b[3] / 1000.0,
                        b[2] / 1000.0);
}

std::string normalize_hex(std::string_view text) {
  text = trim(text);
  if (text.starts_with('#')) text.remove_prefix(1);
  if (text.size() != 6) return {};
  std::string out = "#";
  for (char c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!ok) return {};
    out.push_back(c);
  }
  return out;
}

Status finish_result(VisionResult& result) {
  std::vector<std::string> tags;
  std::set<std::string> seen;
  for (const std::string& t : result.tags) {
    std::string tag = lower_text(trim(t));
    if (tag.empty() || !seen.insert(tag).second) continue;
    tags.push_back(std::move(tag));
  }
  result.tags = std::move(tags);
  const auto by_share = [](const VisionColor& a, const VisionColor& b) {
    return a.share > b.share;
  };
  std::stable_sort(result.colors.begin(), result.colors.end(), by_share);
  for (VisionItem& item : result.items) {
    std::stable_sort(item.colors.begin(), item.colors.end(), by_share);
  }
  if (result.items.size() > static_cast<std::size_t>(kMaxImageItems)) {
    std::stable_sort(result.items.begin(), result.items.end(),
                     [](const VisionItem& a, const VisionItem& b) {
                       return a.confidence > b.confidence;
                     });
    result.items.resize(kMaxImageItems);
  }
  return validate_vision_result(result);
}

}  // namespace imagebank::vision

// The columns of an export: their names (pt-BR, as the web app and the
// reports say things), widths and how each cell is read from a row.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

#include "bank/export_internal.hpp"

namespace imagebank::export_detail {
namespace {

Cell text_cell(std::string text) { return Cell{std::move(text), {}}; }
Cell number_cell(std::int64_t n) {
  return Cell{std::to_string(n), static_cast<double>(n)};
}
// A Carteira number as imported ("12", "89.9"): a number when the whole
// text is one, text otherwise.
Cell maybe_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (!text.empty() && ec == std::errc() && ptr == end &&
      std::isfinite(value)) {
    return Cell{text, value};
  }
  return Cell{text, {}};
}

bool is_numeric_field(std::string_view name) {
  return name == "quantidade" || name == "preco_custo" || name == "preco_venda";
}

}  // namespace

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// The web app's words (messages-pt-BR.js: view.*, status.*); other views
// keep their own name, folded to [a-z0-9_].
std::string view_label(std::string_view view) {
  static const std::map<std::string_view, std::string_view> kLabels = {
      {"front", "frente"}, {"back", "costas"},    {"detail", "detalhe"},
      {"side", "lateral"}, {"top", "topo"},       {"look", "look"},
      {"flat", "still"},   {"inside", "interna"}, {"sole", "sola"},
      {"pair", "par"},     {"", "sem_vista"}};
  const auto it = kLabels.find(view);
  if (it != kLabels.end()) return std::string(it->second);
  std::string out;
  for (char c : view) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 && u < 0x80) {
      out += static_cast<char>(std::tolower(u));
    } else {
      out += '_';
    }
  }
  return out;
}

std::string_view status_label(ImageStatus status) {
  switch (status) {
    case ImageStatus::kPending:
      return "pendente";
    case ImageStatus::kPendingAiAnalysis:
      return "aguardando_ia";
    case ImageStatus::kApproved:
      return "aprovada";
    case ImageStatus::kRejected:
      return "rejeitada";
  }
  return "pendente";
}

std::vector<ColumnDef> all_columns(const std::vector<std::string>& view_keys,
                                   bool analysed) {
  std::vector<ColumnDef> out;
  auto add = [&](std::string name, double width,
                 std::function<Cell(const ExportRow&)> cell) {
    out.push_back(ColumnDef{Column{std::move(name), width}, std::move(cell)});
  };
  add("sku", 16,
      [](const ExportRow& r) { return text_cell(r.summary->product.sku); });
  add("sku_base", 14, [](const ExportRow& r) {
    return text_cell(r.summary->product.sku_base);
  });
  add("marca_catalogo", 16,
      [](const ExportRow& r) { return text_cell(std::string(r.brand)); });
  add("colecao_catalogo", 18,
      [](const ExportRow& r) { return text_cell(std::string(r.collection)); });
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    const bool numeric = is_numeric_field(f.name);
    add(std::string(f.name), f.name == "nome_peca" ? 30 : 14,
        [member = f.member, numeric](const ExportRow& r) {
          const std::string& v = r.summary->product.fields.*member;
          return numeric ? maybe_number(v) : text_cell(v);
        });
  }
  add("fotos", 8,
      [](const ExportRow& r) { return number_cell(r.summary->photos); });
  for (const std::string& key : view_keys) {
    add("fotos_" + key, 10, [key](const ExportRow& r) {
      for (const auto& [label, n] : r.views) {
        if (label == key) return number_cell(n);
      }
      return number_cell(0);
    });
  }
  add("cobertura", 12,
      [](const ExportRow& r) { return text_cell(r.coverage); });
  add("vistas_faltando", 20, [](const ExportRow& r) {
    return text_cell(join(r.missing_views, ", "));
  });
  add("imagens", 9, [](const ExportRow& r) {
    return number_cell(static_cast<std::int64_t>(r.images.size()));
  });
  const std::pair<const char*, ImageStatus> statuses[] = {
      {"imagens_pendentes", ImageStatus::kPending},
      {"imagens_aguardando_ia", ImageStatus::kPendingAiAnalysis},
      {"imagens_aprovadas", ImageStatus::kApproved},
      {"imagens_rejeitadas", ImageStatus::kRejected}};
  for (const auto& [name, status] : statuses) {
    add(name, 12, [status](const ExportRow& r) {
      return number_cell(r.statuses[static_cast<std::size_t>(status)]);
    });
  }
  add("url_capa", 40, [](const ExportRow& r) {
    return text_cell(r.photo_urls.empty() ? std::string() : r.photo_urls[0]);
  });
  add("urls", 40,
      [](const ExportRow& r) { return text_cell(join(r.photo_urls, " ")); });
  if (!analysed) return out;
  auto ai_text = [&](std::string name, double width,
                     std::function<std::string(const AiAnalysis&)> get) {
    add(std::move(name), width, [get = std::move(get)](const ExportRow& r) {
      return text_cell(r.ai != nullptr ? get(*r.ai) : std::string());
    });
  };
  ai_text("ia_tipo_peca", 14,
          [](const AiAnalysis& a) { return a.garment_type; });
  ai_text("ia_cor", 14, [](const AiAnalysis& a) { return a.color; });
  ai_text("ia_cores", 20, [](const AiAnalysis& a) {
    std::vector<std::string> names;
    for (const VisionColor& c : a.colors) names.push_back(c.name);
    return join(names, ", ");
  });
  ai_text("ia_material", 14, [](const AiAnalysis& a) { return a.material; });
  ai_text("ia_estilo", 14, [](const AiAnalysis& a) { return a.style; });
  ai_text("ia_descricao", 40,
          [](const AiAnalysis& a) { return a.description; });
  ai_text("ia_tags", 24,
          [](const AiAnalysis& a) { return join(a.tags, ", "); });
  add("ia_confianca", 12, [](const ExportRow& r) {
    if (r.ai == nullptr) return Cell{};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", r.ai->confidence);
    return Cell{buf, r.ai->confidence};
  });
  ai_text("ia_provedor", 12, [](const AiAnalysis& a) { return a.provider; });
  ai_text("ia_modelo", 16, [](const AiAnalysis& a) { return a.model; });
  add("ia_imagem", 10, [](const ExportRow& r) {
    return r.ai != nullptr ? number_cell(r.ai->image_id) : Cell{};
  });
  return out;
}

}  // namespace imagebank::export_detail

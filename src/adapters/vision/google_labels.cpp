// Cloud Vision speaks English: its label and object names in pt-BR, and a
// small table of reference colours for naming IMAGE_PROPERTIES' dominant
// colours. (Private and deliberately simple: a nearest neighbour in a
// weighted RGB distance, enough for a tag; not the catalogue's colour
// science.)
#include <algorithm>
#include <array>
#include <limits>

#include "adapters/vision/remote.hpp"
#include "adapters/vision/remote_answers.hpp"

namespace imagebank::vision {

namespace {

struct LabelRow {
  std::string_view en;  // lowercase
  std::string_view pt;
  LabelKind kind;
};

using K = LabelKind;

// Sorted by `en` (checked by a unit test) for a binary search.
constexpr LabelRow kLabels[] = {
    {"active pants", "calça esportiva", K::kGarment},
    {"active shirt", "camiseta esportiva", K::kGarment},
    {"animal print", "animal print", K::kPattern},
    {"backpack", "mochila", K::kAccessory},
    {"bag", "bolsa", K::kAccessory},
    {"beige", "bege", K::kOther},
    {"belt", "cinto", K::kAccessory},
    {"bikini", "biquíni", K::kGarment},
    {"black", "preto", K::kOther},
    {"blazer", "blazer", K::kGarment},
    {"blouse", "blusa", K::kGarment},
    {"blue", "azul", K::kOther},
    {"boot", "bota", K::kAccessory},
    {"boy", "", K::kPerson},
    {"bracelet", "pulseira", K::kAccessory},
    {"brassiere", "sutiã", K::kGarment},
    {"bridal clothing", "noiva", K::kStyle},
    {"brown", "marrom", K::kOther},
    {"button", "botão", K::kOther},
    {"camouflage", "camuflado", K::kPattern},
    {"cap", "boné", K::kAccessory},
    {"cardigan", "cardigã", K::kGarment},
    {"casual dress", "vestido", K::kGarment},
    {"clothing", "roupa", K::kOther},
    {"coat", "casaco", K::kGarment},
    {"cocktail dress", "vestido de festa", K::kGarment},
    {"collar", "gola", K::kOther},
    {"cotton", "algodão", K::kMaterial},
    {"crochet", "crochê", K::kMaterial},
    {"crop top", "cropped", K::kGarment},
    {"day dress", "vestido", K::kGarment},
    {"denim", "jeans", K::kMaterial},
    {"dress", "vestido", K::kGarment},
    {"earrings", "brinco", K::kAccessory},
    {"face", "", K::kPerson},
    {"fashion", "moda", K::kOther},
    {"fashion accessory", "acessório", K::kOther},
    {"fashion design", "design de moda", K::kOther},
    {"fashion model", "modelo", K::kOther},
    {"flip-flops", "chinelo", K::kAccessory},
    {"floral design", "floral", K::kPattern},
    {"footwear", "calçado", K::kAccessory},
    {"formal wear", "social", K::kStyle},
    {"fur", "pele", K::kMaterial},
    {"girl", "", K::kPerson},
    {"glasses", "óculos", K::kAccessory},
    {"glove", "luva", K::kAccessory},
    {"gown", "vestido longo", K::kGarment},
    {"green", "verde", K::kOther},
    {"grey", "cinza", K::kOther},
    {"handbag", "bolsa", K::kAccessory},
    {"hat", "chapéu", K::kAccessory},
    {"high heels", "salto alto", K::kAccessory},
    {"hood", "capuz", K::kOther},
    {"hoodie", "moletom", K::kGarment},
    {"human", "", K::kPerson},
    {"human body", "", K::kPerson},
    {"jacket", "jaqueta", K::kGarment},
    {"jeans", "calça jeans", K::kGarment},
    {"jewellery", "joia", K::kAccessory},
    {"jumpsuit", "macacão", K::kGarment},
    {"kimono", "quimono", K::kGarment},
    {"knitting", "tricô", K::kMaterial},
    {"lace", "renda", K::kMaterial},
    {"leather", "couro", K::kMaterial},
    {"leggings", "legging", K::kGarment},
    {"linen", "linho", K::kMaterial},
    {"lingerie", "lingerie", K::kGarment},
    {"magenta", "magenta", K::kOther},
    {"man", "", K::kPerson},
    {"maroon", "vinho", K::kOther},
    {"miniskirt", "minissaia", K::kGarment},
    {"necklace", "colar", K::kAccessory},
    {"one-piece garment", "macacão", K::kGarment},
    {"one-piece swimsuit", "maiô", K::kGarment},
    {"orange", "laranja", K::kOther},
    {"outerwear", "agasalho", K::kOther},
    {"overcoat", "sobretudo", K::kGarment},
    {"pants", "calça", K::kGarment},
    {"pattern", "estampa", K::kPattern},
    {"person", "", K::kPerson},
    {"pink", "rosa", K::kOther},
    {"plaid", "xadrez", K::kPattern},
    {"pocket", "bolso", K::kOther},
    {"polka dot", "poá", K::kPattern},
    {"polo shirt", "camisa polo", K::kGarment},
    {"poncho", "poncho", K::kGarment},
    {"purple", "roxo", K::kOther},
    {"red", "vermelho", K::kOther},
    {"ring", "anel", K::kAccessory},
    {"romper", "macaquinho", K::kGarment},
    {"sandal", "sandália", K::kAccessory},
    {"satin", "cetim", K::kMaterial},
    {"scarf", "lenço", K::kAccessory},
    {"shirt", "camisa", K::kGarment},
    {"shoe", "sapato", K::kAccessory},
    {"shorts", "short", K::kGarment},
    {"shoulder bag", "bolsa de ombro", K::kAccessory},
    {"silk", "seda", K::kMaterial},
    {"skirt", "saia", K::kGarment},
    {"sleepwear", "pijama", K::kGarment},
    {"sleeve", "manga", K::kOther},
    {"slipper", "chinelo", K::kAccessory},
    {"sneakers", "tênis", K::kAccessory},
    {"sock", "meia", K::kAccessory},
    {"sportswear", "esportivo", K::kStyle},
    {"street fashion", "moda de rua", K::kStyle},
    {"stripe", "listrado", K::kPattern},
    {"suede", "camurça", K::kMaterial},
    {"suit", "terno", K::kGarment},
    {"sun hat", "chapéu", K::kAccessory},
    {"sunglasses", "óculos de sol", K::kAccessory},
    {"sweater", "suéter", K::kGarment},
    {"sweatshirt", "moletom", K::kGarment},
    {"swimsuit", "maiô", K::kGarment},
    {"swimwear", "moda praia", K::kGarment},
    {"t-shirt", "camiseta", K::kGarment},
    {"tank top", "regata", K::kGarment},
    {"tartan", "xadrez", K::kPattern},
    {"textile", "tecido", K::kOther},
    {"tie", "gravata", K::kAccessory},
    {"tights", "meia-calça", K::kGarment},
    {"top", "blusa", K::kGarment},
    {"tote bag", "bolsa sacola", K::kAccessory},
    {"trousers", "calça", K::kGarment},
    {"tunic", "túnica", K::kGarment},
    {"undergarment", "roupa íntima", K::kGarment},
    {"velvet", "veludo", K::kMaterial},
    {"vest", "colete", K::kGarment},
    {"vintage clothing", "vintage", K::kStyle},
    {"wallet", "carteira", K::kAccessory},
    {"watch", "relógio", K::kAccessory},
    {"wedding dress", "vestido de noiva", K::kGarment},
    {"white", "branco", K::kOther},
    {"woman", "", K::kPerson},
    {"wool", "lã", K::kMaterial},
    {"yellow", "amarelo", K::kOther},
    {"zipper", "zíper", K::kOther},
};

struct ColorRow {
  std::string_view name;
  std::array<int, 3> rgb;
};

constexpr ColorRow kColors[] = {
    {"preto", {0, 0, 0}},
    {"branco", {255, 255, 255}},
    {"off-white", {242, 238, 226}},
    {"creme", {247, 236, 200}},
    {"cinza-claro", {200, 200, 200}},
    {"cinza", {128, 128, 128}},
    {"cinza-escuro", {64, 64, 64}},
    {"bege", {214, 196, 160}},
    {"nude", {226, 184, 160}},
    {"caramelo", {176, 112, 52}},
    {"marrom", {104, 64, 38}},
    {"vinho", {110, 22, 42}},
    {"vermelho", {200, 30, 40}},
    {"coral", {248, 124, 100}},
    {"terracota", {180, 90, 60}},
    {"rosa", {242, 160, 188}},
    {"pink", {228, 50, 140}},
    {"laranja", {240, 130, 30}},
    {"amarelo", {245, 210, 40}},
    {"mostarda", {200, 160, 30}},
    {"dourado", {200, 165, 80}},
    {"verde", {40, 150, 60}},
    {"verde-oliva", {110, 110, 50}},
    {"verde-militar", {75, 83, 32}},
    {"verde-água", {120, 210, 190}},
    {"turquesa", {40, 190, 200}},
    {"azul-claro", {150, 190, 230}},
    {"azul", {40, 90, 200}},
    {"azul-marinho", {25, 35, 75}},
    {"roxo", {110, 50, 150}},
    {"lilás", {190, 160, 220}},
    {"prateado", {190, 190, 198}},
};

}  // namespace

std::optional<LabelInfo> translate_label(std::string_view english) {
  const std::string key = lower_text(trim(english));
  const auto* end = std::end(kLabels);
  const auto* it = std::lower_bound(
      std::begin(kLabels), end, key,
      [](const LabelRow& row, const std::string& k) { return row.en < k; });
  if (it == end || it->en != key) return std::nullopt;
  return LabelInfo{it->pt, it->kind};
}

bool label_table_sorted() {
  return std::is_sorted(
      std::begin(kLabels), std::end(kLabels),
      [](const LabelRow& a, const LabelRow& b) { return a.en < b.en; });
}

std::string_view color_name_pt(int r, int g, int b) {
  std::string_view best = kColors[0].name;
  long best_d = std::numeric_limits<long>::max();
  for (const ColorRow& c : kColors) {
    // Weighted RGB distance: red and blue count by how red the pair is.
    const long mean_r = (r + c.rgb[0]) / 2;
    const long dr = r - c.rgb[0];
    const long dg = g - c.rgb[1];
    const long db = b - c.rgb[2];
    const long d = (((512 + mean_r) * dr * dr) >> 8) + 4 * dg * dg +
                   (((767 - mean_r) * db * db) >> 8);
    if (d < best_d) {
      best_d = d;
      best = c.name;
    }
  }
  return best;
}

}  // namespace imagebank::vision

// Filename grammar throughput on a generated mix of 100k names like a studio's
// uploads (plain SKUs and sequences, view words, dotted numeric SKUs, accents
// and Windows-1252 bytes, copy markers, camera defaults, folder-only names),
// without and with 50k known SKUs; plus matching a whole batch and building
// the known-SKU table. Items are names (SKUs for the build).
#include <benchmark/benchmark.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "imagebank/sku/filename.hpp"
#include "imagebank/sku/known_skus.hpp"
#include "imagebank/sku/match.hpp"

namespace {

using imagebank::KnownSkus;
using imagebank::SkuParser;

constexpr std::size_t kNames = 100000;
constexpr std::size_t kKnown = 50000;

// The SKU of number i, in the shapes Brazilian catalogs use.
std::string sku_of(std::size_t i) {
  switch (i % 4) {
    case 0:
      return "ABC" + std::to_string(10000 + i);
    case 1:
      return std::to_string(10 + i % 90) + "." + std::to_string(10 + i % 37) +
             "." + std::to_string(1000 + i);
    case 2:
      return "VT-" + std::to_string(200000 + i);
    default:
      return "Cal\xC3\xA7"
             "a" +
             std::to_string(5000 + i);
  }
}

struct Corpus {
  std::vector<std::string> names;
  std::vector<std::string> skus;
};

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus out;
    for (std::size_t i = 0; i < kKnown; ++i) out.skus.push_back(sku_of(i));
    std::mt19937 rng(20250101);
    const auto pick = [&](std::size_t n) {
      return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    const char* const views[] = {"FRENTE", "costas",      "detalhe2", "Lateral",
                                 "look",   "tr\xC3\xA1s", "ZOOM",     "sola"};
    const char* const exts[] = {".jpg", ".JPG",  ".jpeg",
                                ".png", ".webp", ".jpg.jpg"};
    const char* const cameras[] = {"IMG_4821",
                                   "DSC01234",
                                   "PXL_20240101_123456789",
                                   "WhatsApp Image 2024-01-01 at 10.00.00",
                                   "IMG-20240101-WA0001",
                                   "_MG_7788"};
    for (std::size_t i = 0; i < kNames; ++i) {
      // 70% of the photos are of known SKUs, the rest of SKUs not listed.
      const std::size_t n = pick(10) < 7 ? pick(kKnown) : kKnown + pick(kKnown);
      std::string sku = sku_of(n);
      if (pick(4) == 0) sku[0] = static_cast<char>(std::tolower(sku[0]));
      std::string name;
      const std::size_t kind = pick(100);
      const std::string seq =
          (pick(9) < 1 ? "0" : "") + std::to_string(1 + pick(9));
      if (kind < 35) {
        name = sku + "_" + seq;
      } else if (kind < 60) {
        name = sku + "_" + views[pick(8)];
      } else if (kind < 68) {
        name = sku + "-" + std::string(1, static_cast<char>('A' + pick(4)));
      } else if (kind < 73) {
        name = sku + "_" + seq + (pick(2) ? " - C\xC3\xB3pia" : " (2)");
      } else if (kind < 83) {
        name = cameras[pick(6)];
      } else if (kind < 93) {
        name = "Verao25/" + sku + "/" + (pick(2) ? seq : "FRENTE");
      } else if (kind < 98) {
        name = "Fotos\\Estudio\\" + sku + " " + seq;
      } else {
        name =
            "Cal\xE7"
            "a" +
            std::to_string(5000 + n) + "_tr\xE1s";  // cp1252
      }
      out.names.push_back(name + exts[pick(6)]);
    }
    return out;
  }();
  return c;
}

void BM_ParseFilename(benchmark::State& state, bool with_known) {
  const Corpus& c = corpus();
  const KnownSkus known = with_known ? KnownSkus(c.skus) : KnownSkus();
  const SkuParser parser;
  std::size_t matched = 0;
  for (auto _ : state) {
    for (const std::string& name : c.names) {
      auto r = parser.parse(name, with_known ? &known : nullptr);
      matched += r->reason == imagebank::SkuReason::kKnownSku;
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * c.names.size()));
  state.counters["known_share"] =
      static_cast<double>(matched) /
      static_cast<double>(state.iterations() * c.names.size());
}
BENCHMARK_CAPTURE(BM_ParseFilename, grammar, false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParseFilename, known_50k, true)
    ->Unit(benchmark::kMillisecond);

// The common case alone: an ASCII "SKU_NN.jpg".
void BM_ParsePlainAscii(benchmark::State& state) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 1000; ++i) {
    names.push_back("ABC" + std::to_string(10000 + i) + "_0" +
                    std::to_string(i % 9 + 1) + ".jpg");
  }
  const SkuParser parser;
  for (auto _ : state) {
    for (const std::string& name : names) {
      auto r = parser.parse(name);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * names.size()));
}
BENCHMARK(BM_ParsePlainAscii);

// match(): every name parsed (on the shared pool) and the report built.
void BM_Match(benchmark::State& state) {
  const Corpus& c = corpus();
  const KnownSkus known(c.skus);
  for (auto _ : state) {
    auto report = imagebank::match(c.names, known);
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * c.names.size()));
}
BENCHMARK(BM_Match)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_KnownSkusBuild(benchmark::State& state) {
  const Corpus& c = corpus();
  for (auto _ : state) {
    KnownSkus known(c.skus);
    benchmark::DoNotOptimize(known);
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * c.skus.size()));
}
BENCHMARK(BM_KnownSkusBuild)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

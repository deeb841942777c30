// BlobStore throughput on 200 KB objects (the size of a typical catalog
// variant): put, put_file and get on the local disk (every put fsyncs the
// file and its directory) and in memory. Items are objects.
//
// The fs store lives under $IMAGEBANK_BENCH_DIR, else the system temp dir;
// point it at the disk you care about.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "imagebank/adapters/fs_blob_store.hpp"
#include "imagebank/catalog/blob_store.hpp"

namespace {

using imagebank::BlobStore;

constexpr std::size_t kObjectBytes = 200 * 1024;
constexpr std::size_t kGetKeys = 256;

std::vector<std::byte> noise(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> out(size);
  for (auto& b : out) b = static_cast<std::byte>(rng());
  return out;
}

// A fresh directory removed when the benchmark ends.
class BenchDir {
 public:
  BenchDir() {
    const char* env = std::getenv("IMAGEBANK_BENCH_DIR");
    const std::filesystem::path base =
        env ? std::filesystem::path(env)
            : std::filesystem::temp_directory_path();
    std::string pattern = (base / "ib_blob_bench_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror(pattern.c_str());
      std::abort();
    }
    path_ = pattern;
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<BlobStore> open_fs(const std::filesystem::path& root) {
  auto store = imagebank::open_fs_blob_store(root);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().to_string().c_str());
    std::abort();
  }
  return std::move(store).value();
}

// Keys shaped like original_blob_key's: two directory levels of fan-out.
std::string key_of(std::size_t i) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08zx", i * 2654435761u % 0xffffffffu);
  return std::string("originals/") + hex[0] + hex[1] + "/" + hex[2] + hex[3] +
         "/" + hex + "-" + std::to_string(i) + ".jpg";
}

void put_loop(benchmark::State& state, BlobStore& store) {
  const auto data = noise(kObjectBytes, 1);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto status = store.put(key_of(i++), data);
    if (!status.ok()) {
      state.SkipWithError(status.to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
  state.SetBytesProcessed(static_cast<std::int64_t>(i * kObjectBytes));
}

void get_loop(benchmark::State& state, BlobStore& store) {
  const auto data = noise(kObjectBytes, 2);
  std::vector<std::string> keys;
  for (std::size_t k = 0; k < kGetKeys; ++k) {
    keys.push_back(key_of(k));
    if (!store.put(keys.back(), data).ok()) {
      state.SkipWithError("setup put failed");
      return;
    }
  }
  std::size_t i = 0;
  std::size_t received = 0;
  const imagebank::BlobSink sink = [&](std::span<const std::byte> chunk) {
    benchmark::DoNotOptimize(chunk.data());
    received += chunk.size();
    return imagebank::ok_status();
  };
  for (auto _ : state) {
    const auto status = store.get(keys[i++ % kGetKeys], sink);
    if (!status.ok()) {
      state.SkipWithError(status.to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
  state.SetBytesProcessed(static_cast<std::int64_t>(received));
}

void BM_FsPut(benchmark::State& state) {
  BenchDir dir;
  auto store = open_fs(dir.path());
  put_loop(state, *store);
}
BENCHMARK(BM_FsPut)->UseRealTime();

void BM_FsPutFile(benchmark::State& state) {
  BenchDir dir;
  auto store = open_fs(dir.path() / "root");
  const auto source = dir.path() / "source.bin";
  {
    const auto data = noise(kObjectBytes, 3);
    std::ofstream out(source, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto status = store->put_file(key_of(i++), source);
    if (!status.ok()) {
      state.SkipWithError(status.to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
  state.SetBytesProcessed(static_cast<std::int64_t>(i * kObjectBytes));
}
BENCHMARK(BM_FsPutFile)->UseRealTime();

// Page cache hot: the cost of the store, not of the disk.
void BM_FsGet(benchmark::State& state) {
  BenchDir dir;
  auto store = open_fs(dir.path());
  get_loop(state, *store);
}
BENCHMARK(BM_FsGet);

void BM_FsHead(benchmark::State& state) {
  BenchDir dir;
  auto store = open_fs(dir.path());
  const auto data = noise(1000, 4);
  for (std::size_t k = 0; k < kGetKeys; ++k)
    (void)store->put(key_of(k), data).ok();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store->head(key_of(i++ % kGetKeys)).ok());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}
BENCHMARK(BM_FsHead);

void BM_FsList(benchmark::State& state) {
  BenchDir dir;
  auto store = open_fs(dir.path());
  for (std::size_t k = 0; k < 2000; ++k) (void)store->put(key_of(k), {}).ok();
  std::size_t listed = 0;
  for (auto _ : state) {
    std::string after;
    do {
      auto page = store->list("originals/", after, 1000);
      if (!page.ok()) {
        state.SkipWithError(page.status().to_string().c_str());
        return;
      }
      listed += page->blobs.size();
      after = page->next_start_after;
    } while (!after.empty());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(listed));
}
BENCHMARK(BM_FsList);

void BM_MemoryPut(benchmark::State& state) {
  auto store = imagebank::make_memory_blob_store();
  put_loop(state, *store);
}
BENCHMARK(BM_MemoryPut);

void BM_MemoryGet(benchmark::State& state) {
  auto store = imagebank::make_memory_blob_store();
  get_loop(state, *store);
}
BENCHMARK(BM_MemoryGet);

}  // namespace

BENCHMARK_MAIN();

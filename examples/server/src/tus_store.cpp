#include "tus_store.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "imagebank/core/log.hpp"

namespace imagebank::server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string new_id() {
  static thread_local std::random_device device;
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 4; ++i) {
    std::uint32_t v = device();
    for (int k = 0; k < 8; ++k) {
      id += kHex[v & 15];
      v >>= 4;
    }
  }
  return id;
}

bool valid_id(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Appends `from` to the open descriptor `to`.
Status append_file(int to, const fs::path& from) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return io_error(from.string() + ": " + std::strerror(errno));
  std::vector<char> buf(1 << 20);
  Status st;
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = io_error(from.string() + ": " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    const char* p = buf.data();
    std::size_t left = static_cast<std::size_t>(n);
    while (left > 0) {
      const ssize_t w = ::write(to, p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        st = io_error(std::string("appending an upload: ") +
                      std::strerror(errno));
        break;
      }
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    if (!st.ok()) break;
  }
  ::close(in);
  return st;
}

Result<std::string> digest_file(const fs::path& file, const EVP_MD* md) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    return internal_error("cannot start a digest");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return io_error(file.string() + ": cannot be read");
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), out.data(), &size);
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

Result<std::string> digest_bytes(std::string_view data, const EVP_MD* md) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) !=
      1) {
    return internal_error("cannot compute a digest");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string hex_to_bytes(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(
        std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

}  // namespace

bool permanent_hand_over_failure(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kConflict:         // the batch stopped receiving
    case ErrorCode::kInvalidArgument:  // the name is not usable
    case ErrorCode::kNotFound:         // the batch is gone
    case ErrorCode::kLimitExceeded:
      return true;
    default:
      return false;
  }
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return invalid_argument_error("not base64 (length not a multiple of 4)");
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return invalid_argument_error("not base64 (bad padding)");
      v[k] = b64_value(c);
      if (v[k] < 0) return invalid_argument_error("not base64");
    }
    const std::uint32_t n = (static_cast<std::uint32_t>(v[0]) << 18) |
                            (static_cast<std::uint32_t>(v[1]) << 12) |
                            (static_cast<std::uint32_t>(v[2]) << 6) |
                            static_cast<std::uint32_t>(v[3]);
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

Result<std::map<std::string, std::string>> parse_upload_metadata(
    std::string_view header) {
  std::map<std::string, std::string> out;
  if (header.find_first_not_of(" \t") == std::string_view::npos) return out;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    const std::size_t space = pair.find(' ');
    const std::string_view key = pair.substr(0, space);
    if (key.empty() || std::any_of(key.begin(), key.end(), [](char c) {
          return static_cast<unsigned char>(c) <= 0x20 ||
                 static_cast<unsigned char>(c) >= 0x7f;
        })) {
      return invalid_argument_error(
          "Upload-Metadata: a key is empty or not "
          "printable ASCII");
    }
    std::string value;
    if (space != std::string_view::npos) {
      auto decoded = base64_decode(pair.substr(space + 1));
      if (!decoded.ok()) {
        return invalid_argument_error("Upload-Metadata: the value of \"" +
                                      std::string(key) + "\" is " +
                                      decoded.status().message());
      }
      value = std::move(*decoded);
    }
    if (!out.emplace(std::string(key), std::move(value)).second) {
      return invalid_argument_error("Upload-Metadata: the key \"" +
                                    std::string(key) + "\" is repeated");
    }
    pos = end + 1;
  }
  return out;
}

Result<UploadChecksum> parse_upload_checksum(std::string_view header) {
  const std::size_t space = header.find(' ');
  if (space == std::string_view::npos) {
    return invalid_argument_error(
        "Upload-Checksum must be \"<algorithm> <base64 digest>\"");
  }
  UploadChecksum c;
  c.algorithm = std::string(header.substr(0, space));
  if (c.algorithm != "sha1" && c.algorithm != "sha256") {
    return invalid_argument_error("Upload-Checksum: the algorithm \"" +
                                  c.algorithm +
                                  "\" is not supported (sha1, sha256)");
  }
  auto digest = base64_decode(header.substr(space + 1));
  if (!digest.ok()) {
    return invalid_argument_error("Upload-Checksum: the digest is " +
                                  digest.status().message());
  }
  const std::size_t want = c.algorithm == "sha1" ? 20 : 32;
  if (digest->size() != want) {
    return invalid_argument_error("Upload-Checksum: a " + c.algorithm +
                                  " digest is " + std::to_string(want) +
                                  " bytes");
  }
  c.digest = std::move(*digest);
  return c;
}

TusStore::TusStore(fs::path dir, Ingestor& ingestor, std::chrono::hours expiry)
    : dir_(std::move(dir)), ingestor_(ingestor), expiry_(expiry) {}

Result<std::unique_ptr<TusStore>> TusStore::open(fs::path dir,
                                                 Ingestor& ingestor,
                                                 std::chrono::hours expiry) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error(dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  return std::unique_ptr<TusStore>(
      new TusStore(std::move(dir), ingestor, expiry));
}

std::shared_ptr<std::mutex> TusStore::lock_for(const std::string& id) {
  std::lock_guard lock(mu_);
  for (auto it = locks_.begin(); it != locks_.end();) {
    it = it->second.expired() ? locks_.erase(it) : std::next(it);
  }
  auto& weak = locks_[id];
  auto strong = weak.lock();
  if (!strong) {
    strong = std::make_shared<std::mutex>();
    weak = strong;
  }
  return strong;
}

Result<TusUpload> TusStore::load(const std::string& id) {
  if (!valid_id(id)) return not_found_error("no such upload");
  std::ifstream in(dir_ / (id + ".json"));
  if (!in) return not_found_error("no such upload: " + id);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const json::value v = json::parse(text.str(), ec);
  if (ec || !v.is_object()) {
    return corrupt_data_error("upload " + id + ": its record is unreadable");
  }
  const json::object& o = v.as_object();
  TusUpload u;
  try {
    u.id = id;
    u.length = o.at("length").to_number<std::uint64_t>();
    u.batch_id = o.at("batch_id").to_number<RowId>();
    u.name = std::string(o.at("name").as_string());
    u.metadata = std::string(o.at("metadata").as_string());
    u.owner = std::string(o.at("owner").as_string());
    u.created_ms = o.at("created_ms").to_number<std::int64_t>();
    u.expires_ms = o.at("expires_ms").to_number<std::int64_t>();
    if (const auto* job = o.if_contains("job_id"); job && !job->is_null()) {
      u.job_id = job->to_number<RowId>();
      u.job_state = std::string(o.at("job_state").as_string());
    }
    if (const auto* f = o.if_contains("failure"); f && f->is_string()) {
      u.failure = std::string(f->as_string());
    }
  } catch (const std::exception& e) {
    return corrupt_data_error("upload " + id +
                              ": its record is unreadable: " + e.what());
  }
  if (u.job_id || !u.failure.empty()) {
    u.offset = u.length;
  } else {
    std::error_code size_ec;
    const auto size = fs::file_size(dir_ / (id + ".part"), size_ec);
    if (size_ec)
      return not_found_error("upload " + id + ": its bytes are gone");
    u.offset = size;
  }
  return u;
}

Status TusStore::save(const TusUpload& u) {
  json::object o{{"length", u.length},
                 {"batch_id", u.batch_id},
                 {"name", u.name},
                 {"metadata", u.metadata},
                 {"owner", u.owner},
                 {"created_ms", u.created_ms},
                 {"expires_ms", u.expires_ms},
                 {"job_id", nullptr}};
  if (u.job_id) {
    o["job_id"] = *u.job_id;
    o["job_state"] = u.job_state;
  }
  if (!u.failure.empty()) o["failure"] = u.failure;
  const fs::path tmp = dir_ / (u.id + ".json.tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json::serialize(o);
    out.flush();
    if (!out) return io_error(tmp.string() + ": cannot be written");
  }
  std::error_code ec;
  fs::rename(tmp, dir_ / (u.id + ".json"), ec);
  if (ec) return io_error(tmp.string() + ": " + ec.message());
  return {};
}

Result<TusUpload> TusStore::create(std::uint64_t length, RowId batch_id,
                                   std::string name, std::string metadata,
                                   std::string owner) {
  TusUpload u;
  u.id = new_id();
  u.length = length;
  u.batch_id = batch_id;
  u.name = std::move(name);
  u.metadata = std::move(metadata);
  u.owner = std::move(owner);
  u.created_ms = now_ms();
  u.expires_ms =
      u.created_ms +
      std::chrono::duration_cast<std::chrono::milliseconds>(expiry_).count();
  const fs::path part = dir_ / (u.id + ".part");
  const int fd =
      ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(part.string() + ": " + std::strerror(errno));
  ::close(fd);
  IMAGEBANK_RETURN_IF_ERROR(save(u));
  if (length == 0) {
    // Nothing to send: the batch records the empty file as failed.
    auto lock = lock_for(u.id);
    std::lock_guard guard(*lock);
    IMAGEBANK_RETURN_IF_ERROR(hand_over(u, ""));
  }
  return u;
}

Result<TusUpload> TusStore::get(std::string_view id) {
  const std::string key(id);
  auto lock = lock_for(key);
  std::lock_guard guard(*lock);
  IMAGEBANK_ASSIGN_OR_RETURN(TusUpload u, load(key));
  if (u.expires_ms < now_ms()) return not_found_error("the upload expired");
  if (u.complete() && !u.job_id && u.failure.empty()) {
    // Every byte is here but the batch does not have it yet: a client must
    // not read "complete" before it does.
    IMAGEBANK_RETURN_IF_ERROR(hand_over(u, ""));
  }
  return u;
}

Status TusStore::hand_over(TusUpload& u, const std::string& sha256) {
  const fs::path part = dir_ / (u.id + ".part");
  Result<Job> received =
      ingestor_.receive_upload(u.batch_id, part, u.name, sha256);
  if (!received.ok()) {
    if (!permanent_hand_over_failure(received.status().code())) {
      return received.status();
    }
    u.failure = received.status().message();
    IMAGEBANK_RETURN_IF_ERROR(save(u));
    std::error_code ec;
    fs::remove(part, ec);
    return {};
  }
  const Job& job = *received;
  u.job_id = job.id;
  u.job_state = std::string(job_state_name(job.state));
  IMAGEBANK_RETURN_IF_ERROR(save(u));
  std::error_code ec;
  fs::remove(part, ec);
  return {};
}

Result<TusUpload> TusStore::append(
    std::string_view id, std::uint64_t offset, const UploadedFile& chunk,
    const std::optional<UploadChecksum>& checksum, bool* mismatch) {
  *mismatch = false;
  const std::string key(id);
  auto lock = lock_for(key);
  std::lock_guard guard(*lock);
  IMAGEBANK_ASSIGN_OR_RETURN(TusUpload u, load(key));
  if (u.expires_ms < now_ms()) return not_found_error("the upload expired");
  if (!u.failure.empty()) return u;  // over: the route says why
  if (offset != u.offset) {
    return conflict_error("Upload-Offset is " + std::to_string(offset) +
                          " but the upload has " + std::to_string(u.offset) +
                          " bytes");
  }
  if (u.offset + chunk.size > u.length) {
    return limit_exceeded_error("the body passes the upload's length of " +
                                std::to_string(u.length) + " bytes");
  }
  if (checksum) {
    if (!chunk.complete) return u;  // cannot be checked: dropped
    const EVP_MD* md =
        checksum->algorithm == "sha256" ? EVP_sha256() : EVP_sha1();
    std::string digest;
    if (chunk.size == 0) {
      IMAGEBANK_ASSIGN_OR_RETURN(digest, digest_bytes("", md));
    } else if (checksum->algorithm == "sha256" && !chunk.sha256.empty()) {
      digest = hex_to_bytes(chunk.sha256);
    } else {
      IMAGEBANK_ASSIGN_OR_RETURN(digest, digest_file(chunk.path, md));
    }
    if (digest != checksum->digest) {
      *mismatch = true;
      return u;
    }
  }
  if (chunk.size > 0) {
    const fs::path part = dir_ / (u.id + ".part");
    if (u.offset == 0) {
      std::error_code ec;
      fs::rename(chunk.path, part, ec);  // the whole file in one PATCH
      if (ec) return io_error(part.string() + ": " + ec.message());
      // As durable as an append: the client will not send these again.
      const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || ::fdatasync(fd) != 0) {
        const int err = errno;
        if (fd >= 0) ::close(fd);
        return io_error(part.string() + ": " + std::strerror(err));
      }
      ::close(fd);
    } else {
      const int fd = ::open(part.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
      if (fd < 0) return io_error(part.string() + ": " + std::strerror(errno));
      Status st = append_file(fd, chunk.path);
      if (st.ok() && ::fdatasync(fd) != 0) {
        st = io_error(part.string() + ": " + std::strerror(errno));
      }
      ::close(fd);
      if (!st.ok()) {
        // A torn append: back to the offset the client knows.
        if (::truncate(part.c_str(), static_cast<off_t>(u.offset)) != 0) {
          log(LogLevel::kWarning, "upload " + u.id + ": " + st.to_string());
        }
        return st;
      }
    }
    u.offset += chunk.size;
  }
  u.expires_ms =
      now_ms() +
      std::chrono::duration_cast<std::chrono::milliseconds>(expiry_).count();
  IMAGEBANK_RETURN_IF_ERROR(save(u));
  if (u.offset == u.length && !u.job_id) {
    // The SHA-256 of the session's spool is the file's when it came whole.
    const bool whole = chunk.complete && chunk.size == u.length;
    IMAGEBANK_RETURN_IF_ERROR(hand_over(u, whole ? chunk.sha256 : ""));
  }
  return u;
}

Status TusStore::remove(std::string_view id) {
  const std::string key(id);
  auto lock = lock_for(key);
  std::lock_guard guard(*lock);
  IMAGEBANK_RETURN_IF_ERROR(load(key).status());
  std::error_code ec;
  fs::remove(dir_ / (key + ".part"), ec);
  fs::remove(dir_ / (key + ".json"), ec);
  if (ec) return io_error("upload " + key + ": " + ec.message());
  return {};
}

std::size_t TusStore::sweep() {
  std::vector<std::string> ids;
  std::error_code ec;
  const auto old_enough = fs::file_time_type::clock::now() - expiry_;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const fs::path p = entry.path();
    const std::string name = p.filename().string();
    if (p.extension() == ".json") {
      ids.push_back(p.stem().string());
      continue;
    }
    // A record being written when the server died, or bytes whose record
    // was never written: nobody can ask for them.
    std::error_code e;
    const bool orphan = name.ends_with(".json.tmp") ||
                        (p.extension() == ".part" &&
                         !fs::exists(dir_ / (p.stem().string() + ".json"), e));
    if (orphan && fs::last_write_time(p, e) < old_enough) fs::remove(p, e);
  }
  std::size_t removed = 0;
  const std::int64_t now = now_ms();
  for (const std::string& id : ids) {
    auto lock = lock_for(id);
    std::lock_guard guard(*lock);
    Result<TusUpload> u = load(id);
    if (!u.ok()) {
      // Unreadable: gone once it is as old as any upload may get.
      std::error_code e;
      if (fs::last_write_time(dir_ / (id + ".json"), e) < old_enough) {
        fs::remove(dir_ / (id + ".part"), e);
        fs::remove(dir_ / (id + ".json"), e);
        ++removed;
      }
      continue;
    }
    if (u->expires_ms < now) {
      fs::remove(dir_ / (id + ".part"), ec);
      fs::remove(dir_ / (id + ".json"), ec);
      ++removed;
      continue;
    }
    if (u->complete() && !u->job_id && u->failure.empty()) {
      Status st = hand_over(*u, "");
      if (!st.ok()) {
        log(LogLevel::kWarning,
            "upload " + id + ": hand-over: " + st.to_string());
      }
    }
  }
  return removed;
}

}  // namespace imagebank::server

// HashingFileBody: a Beast request body that goes to a file and has its
// SHA-256 computed on the way (an upload is never whole in memory, and is
// never read again just to hash it).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>

#include "imagebank/hash/sha256.hpp"

namespace imagebank::server {

struct HashingFileBody {
  class value_type {
   public:
    value_type() = default;
    value_type(const value_type&) = delete;
    value_type& operator=(const value_type&) = delete;
    value_type(value_type&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)),
          size_(other.size_),
          hasher_(std::move(other.hasher_)),
          write_error_(other.write_error_) {}
    value_type& operator=(value_type&&) = delete;
    ~value_type() { close(); }

    // Creates the file (it must not exist); false with errno's reason.
    bool open(const std::filesystem::path& path, std::error_code& ec) {
      fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd_ < 0) ec = std::error_code(errno, std::generic_category());
      return fd_ >= 0;
    }
    void close() {
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
    // What was written so far, and its SHA-256 (hex). Once only.
    std::uint64_t size() const noexcept { return size_; }
    // The errno of a failed write (ENOSPC: the disk is full), 0 if none: the
    // server's fault, not the client's.
    int write_error() const noexcept { return write_error_; }
    std::string finish_sha256() { return to_hex(hasher_.finish()); }

    bool write(const void* data, std::size_t n, std::error_code& ec) {
      const char* p = static_cast<const char*>(data);
      hasher_.update(
          std::span<const std::byte>(reinterpret_cast<const std::byte*>(p), n));
      while (n > 0) {
        const ssize_t w = ::write(fd_, p, n);
        if (w < 0) {
          if (errno == EINTR) continue;
          write_error_ = errno;
          ec = std::error_code(errno, std::generic_category());
          return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
        size_ += static_cast<std::uint64_t>(w);
      }
      return true;
    }

   private:
    int fd_ = -1;
    std::uint64_t size_ = 0;
    Sha256Hasher hasher_;
    int write_error_ = 0;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body)
        : body_(body) {}

    void init(const boost::optional<std::uint64_t>&,
              boost::system::error_code& ec) {
      ec = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers,
                    boost::system::error_code& ec) {
      std::size_t total = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        const boost::asio::const_buffer b = *it;
        std::error_code err;
        if (!body_.write(b.data(), b.size(), err)) {
          ec = boost::system::error_code(err.value(),
                                         boost::system::generic_category());
          return total;
        }
        total += b.size();
      }
      ec = {};
      return total;
    }

    void finish(boost::system::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace imagebank::server

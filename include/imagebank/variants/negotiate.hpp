// Content negotiation: which image format to send for a request's Accept
// header (RFC 9110 §12.5.1).
#pragma once

#include <span>
#include <string_view>

#include "imagebank/image/format.hpp"

namespace imagebank {

struct Negotiation {
  // The format to send. When nothing available is acceptable, JPEG if
  // available (else the first available) with acceptable == false, so the
  // caller may answer 406 or send it anyway.
  Format format = Format::kJpeg;
  bool acceptable = true;
  // The response depends on Accept: send "Vary: Accept". Always true; kept in
  // the result so that callers cannot forget it.
  bool vary_accept = true;
};

// Picks from `available` (order irrelevant) by the q-values of the Accept
// header: exact types ("image/webp") over "image/*" over "*/*"; q=0 excludes;
// on equal q the preference is AVIF > WebP > JPEG > PNG. Wildcards vouch only
// for JPEG, PNG and GIF: AVIF, WebP and the other modern formats go only to
// clients that name them (Firefox before 93 sends "image/webp,*/*" and
// cannot decode AVIF). A missing or malformed header yields JPEG (when
// available).
Negotiation negotiate(std::string_view accept_header,
                      std::span<const Format> available);

}  // namespace imagebank

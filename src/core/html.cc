#include "core/html.h"

#include <array>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace spotauth {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if it is not valid
// (overlongs, surrogates and code points past U+10FFFF are invalid).
std::size_t Utf8SequenceLength(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

// ASCII that is safe as it is, in element content and in quoted attributes: every byte but
// NUL, the five that HTML gives meaning, and the non-ASCII ones (checked as UTF-8). A table,
// as a page escapes a few hundred bytes per view.
constexpr std::array<bool, 256> kPlainAscii = [] {
  std::array<bool, 256> plain{};
  for (int c = 1; c < 0x80; ++c) plain[c] = true;
  for (unsigned char c : {'&', '<', '>', '"', '\''}) plain[c] = false;
  return plain;
}();

bool IsPlainAscii(char c) { return kPlainAscii[static_cast<unsigned char>(c)]; }

// Length of the run of plain ASCII that `text` starts with. With SSE2 (every x86-64), 16 bytes
// at a time: a page escapes a few hundred bytes per view, and byte by byte that was 5 % of
// its instructions.
std::size_t PlainRun(std::string_view text) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i amp = _mm_set1_epi8('&');
  const __m128i lt = _mm_set1_epi8('<');
  const __m128i gt = _mm_set1_epi8('>');
  const __m128i quot = _mm_set1_epi8('"');
  const __m128i apos = _mm_set1_epi8('\'');
  const __m128i nul = _mm_setzero_si128();
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, apos), _mm_cmpeq_epi8(v, nul)));
    // A byte's top bit set: not ASCII.
    const int mask = _mm_movemask_epi8(special) | _mm_movemask_epi8(v);
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < text.size() && IsPlainAscii(text[i])) ++i;
  return i;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  AppendHtmlEscaped(text, out);
  return out;
}

void AppendHtmlEscaped(std::string_view text, std::string& out) {
  while (!text.empty()) {
    // Most text needs nothing: copy the run of plain ASCII at once.
    const std::size_t plain = PlainRun(text);
    out.append(text.substr(0, plain));
    text.remove_prefix(plain);
    if (text.empty()) return;
    const char c = text.front();
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\0':
        out += kReplacement;
        break;
      default: {
        const std::size_t n = Utf8SequenceLength(text);
        if (n == 0) {
          out += kReplacement;
          text.remove_prefix(1);
          continue;
        }
        out.append(text.substr(0, n));
        text.remove_prefix(n);
        continue;
      }
    }
    text.remove_prefix(1);
  }
}

}  // namespace spotauth

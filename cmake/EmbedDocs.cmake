# Script mode: turns docs/findings/*.md into a C++ source that maps finding id -> page text,
# so `netdiag explain` works wherever the binary is copied. Bytes are emitted as hex so any
# page content is safe. Inputs: DOCS_DIR, OUTPUT.
file(GLOB _pages LIST_DIRECTORIES false "${DOCS_DIR}/*.md")
list(SORT _pages)
set(_arrays "")
set(_entries "")
set(_n 0)
foreach(_page IN LISTS _pages)
  get_filename_component(_id "${_page}" NAME_WE)
  file(READ "${_page}" _hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  string(APPEND _arrays "const unsigned char page_${_n}[] = {${_bytes} 0};\n")
  string(APPEND _entries "      {\"${_id}\", text(page_${_n}, sizeof page_${_n})},\n")
  math(EXPR _n "${_n} + 1")
endforeach()
set(_content "// Generated from docs/findings by cmake/EmbedDocs.cmake. Do not edit.
#include <cstddef>
#include <map>
#include <string>

namespace netdiag {
namespace {
${_arrays}
std::string text(const unsigned char* bytes, std::size_t size_with_nul) {
  return std::string(reinterpret_cast<const char*>(bytes), size_with_nul - 1);
}
}  // namespace

const std::map<std::string, std::string, std::less<>>& embedded_finding_pages() {
  static const std::map<std::string, std::string, std::less<>> pages{
${_entries}  };
  return pages;
}
}  // namespace netdiag
")
file(WRITE "${OUTPUT}.tmp" "${_content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")

// Renderers of a finished report. Each takes the report and returns the whole document.
#pragma once

#include <string>

#include "netdiag/model.hpp"

namespace netdiag {

struct TextStyle {
    bool color = false;  // ANSI colours: only on a terminal and without NO_COLOR
};

std::string render_json(const Report& report);
std::string render_text(const Report& report, const TextStyle& style);

}  // namespace netdiag

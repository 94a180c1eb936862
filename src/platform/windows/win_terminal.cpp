// Whether stdout/stderr is a console a person reads. The text writer colours its output with
// ANSI sequences, which a Windows 10+ console shows only with virtual terminal processing on:
// it is switched on here, and a console that refuses it (older Windows) counts as no terminal,
// so such users get plain text rather than escape codes.
#include "platform/windows/win_internal.hpp"

namespace netdiag::platform {

bool is_terminal(int stream) {
    const DWORD which = stream == 2 ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE;
    HANDLE handle = GetStdHandle(which);
    DWORD mode = 0;
    if (handle == nullptr || handle == INVALID_HANDLE_VALUE || !GetConsoleMode(handle, &mode)) {
        return false;  // a file, a pipe, or no console at all
    }
    if ((mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0) return true;
    return SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

}  // namespace netdiag::platform

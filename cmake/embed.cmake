# cmake -DINPUT=file -DOUTPUT=header.hpp -DSYMBOL=name -P embed.cmake
# Writes a header holding the file's bytes as `inline constexpr std::string_view SYMBOL`.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT}; do not edit.\n#pragma once\n#include <string_view>\nnamespace cisscan::embedded {\ninline constexpr char ${SYMBOL}_bytes[] = {${bytes} '\\0'};\ninline constexpr std::string_view ${SYMBOL}{${SYMBOL}_bytes, sizeof(${SYMBOL}_bytes) - 1};\n}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")

// Identifiers nobody can guess (MCP session ids, job ids): 128 random bits from OpenSSL as 32
// lowercase hex digits (visible ASCII only, as session ids must be).
#ifndef PGARK_PROTOCOL_MCP_RANDOM_ID_H_
#define PGARK_PROTOCOL_MCP_RANDOM_ID_H_

#include <string>

namespace pgark::protocol {

std::string RandomId();

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_MCP_RANDOM_ID_H_

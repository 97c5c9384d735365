// The pgark version, recorded in every manifest.
#ifndef PGARK_ENGINE_VERSION_H_
#define PGARK_ENGINE_VERSION_H_

namespace pgark::engine {
inline constexpr char kPgarkVersion[] = "0.1.0";
}  // namespace pgark::engine

#endif  // PGARK_ENGINE_VERSION_H_

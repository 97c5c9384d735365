// Sharing two cores between fifty clients: calls that are not quick (backups, restores,
// validations) run at the lowest CPU priority and take one of a few process-wide slots, the
// others waiting their turn (cancellable); quick calls (listing, describing) skip both, so they
// stay quick while backups compress.
#ifndef PGARK_PROTOCOL_MCP_CALL_SLOT_H_
#define PGARK_PROTOCOL_MCP_CALL_SLOT_H_

#include <atomic>
#include <optional>

namespace pgark::protocol {

class CallSlot {
 public:
  // A slot once one is free (at once for a quick call); nullopt when cancelled first.
  static std::optional<CallSlot> Acquire(bool quick, const std::atomic<bool>& cancelled);
  CallSlot(CallSlot&& other) noexcept;
  CallSlot& operator=(CallSlot&&) = delete;
  ~CallSlot();

 private:
  explicit CallSlot(bool held) : held_(held) {}
  bool held_;
};

// The calling thread (and the threads it starts from now on) at nice 19.
void LowerThreadPriority();

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_MCP_CALL_SLOT_H_

#include "protocol/mcp/call_slot.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <semaphore>
#include <thread>
#include <utility>

namespace pgark::protocol {
namespace {

std::counting_semaphore<>& Slots() {
  static std::counting_semaphore<> slots(
      std::max<std::ptrdiff_t>(2, static_cast<std::ptrdiff_t>(std::thread::hardware_concurrency())));
  return slots;
}

}  // namespace

std::optional<CallSlot> CallSlot::Acquire(bool quick, const std::atomic<bool>& cancelled) {
  if (quick) return CallSlot(false);
  while (!cancelled.load()) {
    if (Slots().try_acquire_for(std::chrono::milliseconds(200))) return CallSlot(true);
  }
  return std::nullopt;
}

CallSlot::CallSlot(CallSlot&& other) noexcept : held_(std::exchange(other.held_, false)) {}

CallSlot::~CallSlot() {
  if (held_) Slots().release();
}

void LowerThreadPriority() {
  // Per thread on Linux, and inherited by the threads it creates afterwards.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
}

}  // namespace pgark::protocol

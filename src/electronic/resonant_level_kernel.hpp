// The resonant level's table node: sixteen frequency integrals (<c^dag c>,
// D, gamma, I and their first three eps_x-derivatives, without prefactors)
// from one adaptive Gauss-Kronrod pass that shares every evaluation of the
// Green function.
#pragma once

#include <array>
#include <cstddef>

#include "electronic/leads/lead.hpp"
#include "numerics/gauss_kronrod.hpp"

namespace ergon::electronic {

inline constexpr std::size_t kNodeIntegrals = 16;

// Whether the level at e lies so far below both Fermi levels that the
// occupation is computed from its complement (1 - int A g> / 2 pi).
bool deeply_occupied(const leads::LeadModel& left, const leads::LeadModel& right, double e);

// The integrals at level eps_x = e; ResonantLevel::node() applies the
// prefactors (docs/model.md, "Table nodes").
std::array<double, kNodeIntegrals> node_integrals(const leads::LeadModel& left, const leads::LeadModel& right, double e,
                                                  const numerics::LineOptions& options);

}  // namespace ergon::electronic

// Quadrature breakpoints of the resonant level's frequency integrals.
#pragma once

#include <vector>

#include "electronic/leads/lead.hpp"

namespace ergon::electronic {

// Frequencies where the integrands have structure: each lead's Fermi step
// (with its widths) and band structure, the shifted level eps_x, and the
// resonances of the spectral function with breakpoints on their own widths.
// Sorted; points equal to rounding (1e-12 relative) merged.
std::vector<double> breakpoints(const leads::LeadModel& left, const leads::LeadModel& right, double eps_x);

}  // namespace ergon::electronic

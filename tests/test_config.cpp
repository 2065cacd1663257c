// Configuration: defaults, round trip, overrides and every rejected input.
#include <gtest/gtest.h>

#include <cmath>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "error_message.hpp"

namespace {

using ergon::Config;
using ergon::Error;

// Runs fn and returns the message of the ergon::Error it throws ("" if none).
using ergon::testing::error_message;

TEST(Config, DefaultsAreThePapersParameters) {
  const Config c;
  const auto& d = c.device;
  EXPECT_EQ(d.oscillator.w0, 0.2);
  EXPECT_EQ(d.oscillator.mass, 1.0);
  EXPECT_EQ(d.oscillator.lambda.value(), 0.1);
  EXPECT_NEAR(d.oscillator.x0(), std::sqrt(10.0), 1e-15);
  EXPECT_NEAR(d.oscillator.F(), 0.063245553203367586, 1e-15);
  EXPECT_EQ(d.dot.eps, 0.0);
  EXPECT_EQ(d.left.center, 0.5);
  EXPECT_EQ(d.right.center, -0.5);
  for (const auto* l : {&d.left, &d.right}) {
    EXPECT_EQ(l->Gamma, 2.0);
    EXPECT_EQ(l->width, 1.0);
    EXPECT_EQ(l->beta, 0.5);
    EXPECT_EQ(l->mu, 0.0);
  }
  EXPECT_NO_THROW(ergon::validate(c));
}

TEST(Config, TomlRoundTripIsExact) {
  Config c;
  ergon::apply_assignments(c, {"lead.L.mu=6.25", "oscillator.force=0.0123456789012345", "lead.R.type=wideband",
                               "dot.eps=-0.1", "langevin.seed=42"});
  const std::string text = ergon::to_toml(c);
  Config back;
  ergon::load_config_text(back, text, "roundtrip");
  EXPECT_EQ(ergon::to_toml(back), text);
  EXPECT_EQ(back.device.left.mu, 6.25);
  EXPECT_FALSE(back.device.oscillator.lambda.has_value());
  EXPECT_EQ(back.device.oscillator.force.value(), 0.0123456789012345);
  EXPECT_EQ(back.device.right.type, ergon::LeadType::wideband);
  EXPECT_EQ(back.langevin.seed, 42u);
}

TEST(Config, LaterLayerReplacesCouplingChoice) {
  Config c;
  ergon::load_config_text(c, "[oscillator]\nforce = 0.05\n", "file");
  EXPECT_FALSE(c.device.oscillator.lambda);
  ergon::apply_assignments(c, {"oscillator.lambda=0.2"});
  EXPECT_EQ(c.device.oscillator.lambda.value(), 0.2);
  EXPECT_FALSE(c.device.oscillator.force);
}

TEST(Config, UnknownKeysNameTheKeyAndSuggest) {
  Config c;
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "lead.L.widht", "2"); }),
            "unknown key 'lead.L.widht'; did you mean 'lead.L.width'?");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "oscilator.w0", "2"); }),
            "unknown key 'oscilator.w0'; did you mean 'oscillator.w0'?");
  EXPECT_EQ(error_message([&] { ergon::load_config_text(c, "[lead.L]\nGama = 1\n", "f.toml"); }),
            "f.toml:2: unknown key 'lead.L.Gama'; did you mean 'lead.L.Gamma'?");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "completely.unrelated.thing", "1"); }),
            "unknown key 'completely.unrelated.thing' (see 'ergon config' for the known keys)");
}

TEST(Config, EveryConstraintIsEnforced) {
  Config c;
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "lead.L.width", "0"); }),
            "lead.L.width = 0 is not allowed: must be > 0");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "lead.R.Gamma", "-1"); }),
            "lead.R.Gamma = -1 is not allowed: must be > 0");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "lead.R.beta", "0"); }),
            "lead.R.beta = 0 is not allowed: must be > 0");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "oscillator.mass", "-2"); }),
            "oscillator.mass = -2 is not allowed: must be > 0");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "oscillator.w0", "inf"); }),
            "oscillator.w0 = inf is not allowed: must be a finite number");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "dot.eps", "nan"); }),
            "dot.eps = nan is not allowed: must be a finite number");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "oscillator.lambda", "0"); }),
            "oscillator.lambda = 0 is not allowed: must be a finite non-zero number");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "lead.L.mu", "abc"); }),
            "lead.L.mu = abc is not allowed: must be a real number");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "lead.L.type", "gaussian"); }),
            "lead.L.type = \"gaussian\" is not allowed: must be one of \"lorentzian\", \"wideband\"");
  EXPECT_EQ(error_message([&] { ergon::set_key(c, "langevin.trajectories", "0"); }),
            "langevin.trajectories = 0 is not allowed: must be an integer in [1, 1048576]");
  EXPECT_EQ(error_message([&] {
              ergon::apply_assignments(c, {"oscillator.lambda=0.1", "oscillator.force=0.2"});
            }),
            "oscillator.lambda and oscillator.force are both set; give exactly one of them");
  EXPECT_EQ(error_message([&] { ergon::apply_assignments(c, {"lead.L.mu"}); }),
            "--set 'lead.L.mu' is not of the form key=value");
  // A failed layer leaves the configuration untouched.
  EXPECT_EQ(c.device.left.width, 1.0);
}

TEST(Config, FileErrorsNameFileLineAndKey) {
  Config c;
  EXPECT_EQ(error_message([&] { ergon::load_config_text(c, "[oscillator]\nw0 = 0.2\nmass = -1.0\n", "dev.toml"); }),
            "dev.toml:3: oscillator.mass = -1 is not allowed: must be > 0");
  EXPECT_EQ(error_message([&] { ergon::load_config_text(c, "[oscillator]\nlambda = 0.1\nforce = 0.2\n", "dev.toml"); }),
            "dev.toml:1: oscillator.lambda and oscillator.force are both set; give exactly one of them");
  EXPECT_EQ(error_message([&] { ergon::load_config_text(c, "[lead.L]\nwidth = nan\n", "dev.toml"); }),
            "dev.toml:2: lead.L.width = nan is not allowed: must be a finite number");
  EXPECT_EQ(error_message([&] { ergon::load_config_text(c, "[lead.L]\nwidth = \"wide\"\n", "dev.toml"); }),
            "dev.toml:2: lead.L.width = wide is not allowed: must be a real number, or a number with a unit once "
            "units.energy is set");
  EXPECT_NE(error_message([&] { ergon::load_config_text(c, "[lead.L\nwidth = 1\n", "dev.toml"); }).find("dev.toml:1:"),
            std::string::npos);
  Config fresh;
  EXPECT_EQ(ergon::to_toml(c), ergon::to_toml(fresh));
}

TEST(Config, RangeSyntax) {
  EXPECT_EQ(ergon::parse_values("--x", "0:5:3"), (std::vector<double>{0, 2.5, 5}));
  EXPECT_EQ(ergon::parse_values("--x", "-1:1:5"), (std::vector<double>{-1, -0.5, 0, 0.5, 1}));
  EXPECT_EQ(ergon::parse_values("--x", "0.25,0.5,1,2"), (std::vector<double>{0.25, 0.5, 1, 2}));
  EXPECT_EQ(ergon::parse_values("--x", "7"), (std::vector<double>{7}));
  EXPECT_EQ(ergon::parse_values("--x", "3:3:1"), (std::vector<double>{3}));
  const auto v = ergon::parse_values("--V", "0:20:201");
  ASSERT_EQ(v.size(), 201u);
  EXPECT_EQ(v.back(), 20.0);
  EXPECT_NEAR(v[42], 4.2, 1e-15);
  for (const char* bad : {"1:2", "0:1:0", "a:b:3", "1:2:3:4", "1,,2", "", "0:1:-3", "0:1:2.5", "1:2:1", "nan"})
    EXPECT_NE(error_message([&] { ergon::parse_values("--x-range", bad); }), "") << bad;
}

TEST(Config, EveryKeyIsDocumentedAndPrinted) {
  const Config c;
  const std::string text = ergon::to_toml(c);
  for (const auto& k : ergon::config_keys()) {
    EXPECT_FALSE(k.doc.empty()) << k.name;
    const auto last = k.name.substr(k.name.rfind('.') + 1);
    EXPECT_NE(text.find(last), std::string::npos) << k.name;
  }
}

}  // namespace

namespace {

TEST(Config, BuildRefusesAKeySetTwiceWhateverTheLayer) {
  ergon::ConfigRequest r;
  r.V = 3.0;
  r.assignments = {{"--set", "dot.eps=0.5"}};
  const ergon::Config c = ergon::build_config(r);
  EXPECT_EQ(c.device.left.mu, 3.0);
  EXPECT_EQ(c.device.right.mu, -3.0);
  EXPECT_EQ(c.device.dot.eps, 0.5);
  auto refused = [](ergon::ConfigRequest q, const std::string& key) {
    try {
      (void)ergon::build_config(q);
      ADD_FAILURE() << "accepted a second setting of " << key;
    } catch (const ergon::Error& e) {
      EXPECT_NE(std::string(e.what()).find("both set " + key), std::string::npos) << e.what();
    }
  };
  ergon::ConfigRequest q = r;
  q.assignments.push_back({"--set", "  lead.R.mu = 1"});  // spelling does not matter
  refused(q, "lead.R.mu");
  q = r;
  q.assignments.push_back({"--set", "dot.eps=1"});
  refused(q, "dot.eps");
  q = ergon::ConfigRequest{};
  q.swept = {"beta"};
  q.assignments = {{"settings", "lead.L.beta=2"}};
  refused(q, "lead.L.beta");
  q = ergon::ConfigRequest{};
  q.swept = {"oscillator.w0", "oscillator.w0"};
  refused(q, "oscillator.w0");
}

}  // namespace

#pragma once
// A noise model from JSON (qsim-run --noise FILE; the schema is in
// docs/noise.md):
//   {"errors":  [{"channel": "depolarizing", "params": [0.01], "gates": ["h", "x"]},
//                {"channel": "depolarizing2", "params": [0.02], "gates": ["cx"], "qubits": [0, 1]}],
//    "readout": [{"p1_given_0": 0.02, "p0_given_1": 0.05},
//                {"qubits": [3], "p1_given_0": 0.1, "p0_given_1": 0.1}]}
// Unknown keys are refused, so a misspelt key is an error, not silently no noise.
#include <string>
#include <string_view>
#include <vector>

#include "qsim/channels/channel.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/io/json.hpp"
#include "qsim/noise/noise_model.hpp"

QSIM_BEGIN_NAMESPACE
namespace detail {

inline void check_keys(const JsonValue& v, const std::vector<std::string>& allowed, const std::string& where) {
  if (v.kind != JsonValue::Kind::object) throw invalid_argument("noise model: " + where + " must be a JSON object");
  for (const auto& [key, value] : v.members) {
    bool known = false;
    for (const auto& a : allowed) known = known || key == a;
    if (!known) throw invalid_argument("noise model: unknown key '" + key + "' in " + where);
  }
}

inline const JsonValue& required(const JsonValue& v, const std::string& key, const std::string& where) {
  const JsonValue* found = v.find(key);
  if (!found) throw invalid_argument("noise model: " + where + " needs \"" + key + "\"");
  return *found;
}

inline double json_number(const JsonValue& v, const std::string& what) {
  if (v.kind != JsonValue::Kind::number) throw invalid_argument("noise model: " + what + " must be a number");
  return v.number;
}

inline std::vector<double> json_numbers(const JsonValue& v, const std::string& what) {
  if (v.kind != JsonValue::Kind::array) throw invalid_argument("noise model: " + what + " must be an array of numbers");
  std::vector<double> out;
  for (const auto& x : v.items) out.push_back(json_number(x, what));
  return out;
}

inline std::vector<qubit_t> json_qubits(const JsonValue& v, const std::string& what) {
  std::vector<qubit_t> out;
  for (double x : json_numbers(v, what)) {
    if (!(x >= 0 && x < max_qubits) || x != static_cast<double>(static_cast<qubit_t>(x)))
      throw invalid_argument("noise model: " + what + " holds " + number_text(x) + ", not a qubit index");
    out.push_back(static_cast<qubit_t>(x));
  }
  return out;
}

inline std::vector<std::string> json_strings(const JsonValue& v, const std::string& what) {
  if (v.kind != JsonValue::Kind::array) throw invalid_argument("noise model: " + what + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& x : v.items) {
    if (x.kind != JsonValue::Kind::string) throw invalid_argument("noise model: " + what + " must hold strings");
    out.push_back(x.string);
  }
  return out;
}

}  // namespace detail

/// Reads a noise model from JSON text (see the top of this header and docs/noise.md).
inline NoiseModel noise_model_from_json(std::string_view text) {
  const JsonValue doc = parse_json(text);
  detail::check_keys(doc, {"errors", "readout"}, "the document");
  NoiseModel model;
  if (const JsonValue* errors = doc.find("errors")) {
    if (errors->kind != JsonValue::Kind::array) throw invalid_argument("noise model: \"errors\" must be an array");
    for (std::size_t i = 0; i < errors->items.size(); ++i) {
      const JsonValue& e = errors->items[i];
      const std::string where = "errors[" + std::to_string(i) + "]";
      detail::check_keys(e, {"channel", "params", "gates", "qubits"}, where);
      const JsonValue& name = detail::required(e, "channel", where);
      if (name.kind != JsonValue::Kind::string)
        throw invalid_argument("noise model: " + where + ".channel must be a string");
      const JsonValue* params = e.find("params");
      const Channel ch = channels::by_name(
          name.string, params ? detail::json_numbers(*params, where + ".params") : std::vector<double>{});
      const auto gates = detail::json_strings(detail::required(e, "gates", where), where + ".gates");
      if (const JsonValue* qubits = e.find("qubits"))
        model.add_quantum_error(ch, gates, detail::json_qubits(*qubits, where + ".qubits"));
      else
        model.add_all_qubit_error(ch, gates);
    }
  }
  if (const JsonValue* readout = doc.find("readout")) {
    if (readout->kind != JsonValue::Kind::array) throw invalid_argument("noise model: \"readout\" must be an array");
    for (std::size_t i = 0; i < readout->items.size(); ++i) {
      const JsonValue& r = readout->items[i];
      const std::string where = "readout[" + std::to_string(i) + "]";
      detail::check_keys(r, {"p1_given_0", "p0_given_1", "qubits"}, where);
      const ReadoutError err{detail::json_number(detail::required(r, "p1_given_0", where), where + ".p1_given_0"),
                             detail::json_number(detail::required(r, "p0_given_1", where), where + ".p0_given_1")};
      if (const JsonValue* qubits = r.find("qubits")) {
        for (auto q : detail::json_qubits(*qubits, where + ".qubits")) model.add_readout_error(err, q);
      } else {
        model.add_all_qubit_readout_error(err);
      }
    }
  }
  return model;
}

QSIM_END_NAMESPACE

// qsim::draw against exact text: what Qiskit's text drawer prints for the same
// circuits, in the layout rules of qsim/circuit/draw.hpp. The expected
// diagrams keep their trailing spaces on purpose (every line of a page is
// padded to the same width, as Qiskit does): do not strip them.
#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include <qsim/circuit/circuit.hpp>
#include <qsim/circuit/draw.hpp>

namespace {

const double pi = 3.14159265358979323846;

/// The expected text of a raw string written from its second line on, so the
/// diagram lines up in the source: drops the first and the last newline.
std::string diagram(const char* text) {
  std::string s(text);
  if (!s.empty() && s.front() == '\n') s.erase(0, 1);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = s.find('\n', start);
    lines.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return lines;
    start = end + 1;
  }
}

/// Display columns of a line: one per code point (UTF-8 continuation bytes
/// do not count), which holds for the box-drawing characters.
std::size_t columns(const std::string& line) {
  std::size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

/// The pages of a folded diagram: blocks separated by an empty line.
std::vector<std::vector<std::string>> pages_of(const std::string& text) {
  std::vector<std::vector<std::string>> pages(1);
  for (const std::string& line : split_lines(text)) {
    if (line.empty()) {
      pages.emplace_back();
    } else {
      pages.back().push_back(line);
    }
  }
  return pages;
}

void check_aligned(const std::string& text) {
  for (const auto& page : pages_of(text)) {
    REQUIRE_FALSE(page.empty());
    for (const std::string& line : page) CHECK(columns(line) == columns(page.front()));
  }
}

qsim::Circuit ghz() {
  qsim::Circuit c(3);
  c.h(0).cx(0, 1).cx(1, 2).measure_all();
  return c;
}

}  // namespace

TEST_CASE("draw: GHZ with measure_all", "[draw]") {
  CHECK(qsim::draw(ghz()) == diagram(R"(
        ┌───┐           ░ ┌─┐      
   q_0: ┤ H ├──■────────░─┤M├──────
        └───┘┌─┴─┐      ░ └╥┘┌─┐   
   q_1: ─────┤ X ├──■───░──╫─┤M├───
             └───┘┌─┴─┐ ░  ║ └╥┘┌─┐
   q_2: ──────────┤ X ├─░──╫──╫─┤M├
                  └───┘ ░  ║  ║ └╥┘
meas: 3/═══════════════════╩══╩══╩═
                           0  1  2 
)"));
}

TEST_CASE("draw: one gate, one measurement", "[draw]") {
  qsim::Circuit c(1);
  c.h(0);
  CHECK(qsim::draw(c) == diagram(R"(
     ┌───┐
q_0: ┤ H ├
     └───┘
)"));
  qsim::Circuit m(1, 1);
  m.h(0).measure(0, 0);
  CHECK(qsim::draw(m) == diagram(R"(
     ┌───┐┌─┐
q_0: ┤ H ├┤M├
     └───┘└╥┘
c: 1/══════╩═
           0 
)"));
}

TEST_CASE("draw: cx with the control above, below and across a wire", "[draw]") {
  qsim::Circuit c(3);
  c.cx(0, 1).cx(1, 0).cx(2, 0);
  CHECK(qsim::draw(c) == diagram(R"(
          ┌───┐┌───┐
q_0: ──■──┤ X ├┤ X ├
     ┌─┴─┐└─┬─┘└─┬─┘
q_1: ┤ X ├──■────┼──
     └───┘       │  
q_2: ────────────■──
                    
)"));
}

TEST_CASE("draw: ccx", "[draw]") {
  qsim::Circuit c(3);
  c.ccx(0, 1, 2).ccx(2, 0, 1);
  CHECK(qsim::draw(c) == diagram(R"(
               
q_0: ──■────■──
       │  ┌─┴─┐
q_1: ──■──┤ X ├
     ┌─┴─┐└─┬─┘
q_2: ┤ X ├──■──
     └───┘     
)"));
}

TEST_CASE("draw: swap and cswap", "[draw]") {
  qsim::Circuit c(3);
  c.swap(0, 1).swap(0, 2).cswap(0, 1, 2);
  CHECK(qsim::draw(c) == diagram(R"(
              
q_0: ─X──X──■─
      │  │  │ 
q_1: ─X──┼──X─
         │  │ 
q_2: ────X──X─
              
)"));
}

TEST_CASE("draw: cz is a dot on both qubits", "[draw]") {
  qsim::Circuit c(3);
  c.cz(0, 1).cz(2, 0);
  CHECK(qsim::draw(c) == diagram(R"(
           
q_0: ─■──■─
      │  │ 
q_1: ─■──┼─
         │ 
q_2: ────■─
           
)"));
}

TEST_CASE("draw: fixed one-qubit gates under Qiskit's names", "[draw]") {
  qsim::Circuit c(2);
  c.x(0).y(1).z(0).s(1).sdg(0).t(1).tdg(0).sx(1).sxdg(0).id(1);
  CHECK(qsim::draw(c) == diagram(R"(
     ┌───┐┌───┐┌─────┐┌─────┐┌──────┐
q_0: ┤ X ├┤ Z ├┤ Sdg ├┤ Tdg ├┤ √Xdg ├
     ├───┤├───┤└┬───┬┘└┬────┤└┬───┬─┘
q_1: ┤ Y ├┤ S ├─┤ T ├──┤ √X ├─┤ I ├──
     └───┘└───┘ └───┘  └────┘ └───┘  
)"));
}

TEST_CASE("draw: constant angles, multiples of pi", "[draw]") {
  qsim::Circuit c(2);
  c.rx(0.25, 0).ry(pi / 2, 1).rz(-pi / 4, 0).u(pi / 2, 0, pi, 1).p(3 * pi / 4, 0).rx(1.23456, 1);
  CHECK(qsim::draw(c) == diagram(R"(
     ┌──────────┐ ┌──────────┐  ┌─────────┐ 
q_0: ┤ Rx(0.25) ├─┤ Rz(-π/4) ├──┤ P(3π/4) ├─
     ├─────────┬┘┌┴──────────┴┐┌┴─────────┴┐
q_1: ┤ Ry(π/2) ├─┤ U(π/2,0,π) ├┤ Rx(1.235) ├
     └─────────┘ └────────────┘└───────────┘
)"));
}

TEST_CASE("draw: weights and features", "[draw]") {
  qsim::Circuit c(2);
  c.ry(qsim::weight(3), 0)
      .rz(qsim::feature(0, 2.0, 0.5), 1)
      .rx(qsim::weight(1, -1.0, -pi / 2), 0)
      .p(qsim::feature(2, 0.5), 1);
  CHECK(qsim::draw(c) == diagram(R"(
        ┌──────────┐   ┌───────────────┐
q_0: ───┤ Ry(w[3]) ├───┤ Rx(-w[1]-π/2) ├
     ┌──┴──────────┴──┐└┬─────────────┬┘
q_1: ┤ Rz(2*x[0]+0.5) ├─┤ P(0.5*x[2]) ├─
     └────────────────┘ └─────────────┘ 
)"));
}

TEST_CASE("draw: cp, crz and cu", "[draw]") {
  qsim::Circuit c(2);
  c.cp(pi / 2, 0, 1).crz(0.5, 1, 0).cu(pi, 0, pi / 2, 0, 0, 1);
  CHECK(qsim::draw(c) == diagram(R"(
              ┌─────────┐                
q_0: ─■───────┤ Rz(0.5) ├───────■────────
      │P(π/2) └────┬────┘┌──────┴───────┐
q_1: ─■────────────■─────┤ U(π,0,π/2,0) ├
                         └──────────────┘
)"));
}

TEST_CASE("draw: two-qubit boxes, rzz over a wire it does not touch", "[draw]") {
  qsim::Circuit c(3);
  c.rzz(pi / 2, 0, 2).rxx(0.5, 1, 2).iswap(0, 1);
  CHECK(qsim::draw(c) == diagram(R"(
     ┌───────────┐             ┌────────┐
q_0: ┤0          ├─────────────┤0       ├
     │           │┌───────────┐│  iSwap │
q_1: ┤  Rzz(π/2) ├┤0          ├┤1       ├
     │           ││  Rxx(0.5) │└────────┘
q_2: ┤1          ├┤1          ├──────────
     └───────────┘└───────────┘          
)"));
}

TEST_CASE("draw: a three-qubit unitary numbers its targets", "[draw]") {
  qsim::Matrix m(64, 0.0);
  for (int i = 0; i < 8; ++i) m[i * 8 + i] = 1;
  qsim::Circuit c(3);
  c.unitary(m, {2, 0, 1});
  CHECK(qsim::draw(c) == diagram(R"(
     ┌──────────┐
q_0: ┤1         ├
     │          │
q_1: ┤2 Unitary ├
     │          │
q_2: ┤0         ├
     └──────────┘
)"));
}

TEST_CASE("draw: two quantum and two classical registers", "[draw]") {
  qsim::Circuit c;
  c.add_qreg("a", 2);
  c.add_qreg("b", 1);
  c.add_creg("c", 1);
  c.add_creg("d", 2);
  c.h(0).cx(0, 2).measure(0, 0).measure(2, 2);
  CHECK(qsim::draw(c) == diagram(R"(
     ┌───┐     ┌─┐   
a_0: ┤ H ├──■──┤M├───
     └───┘  │  └╥┘   
a_1: ───────┼───╫────
          ┌─┴─┐ ║ ┌─┐
b_0: ─────┤ X ├─╫─┤M├
          └───┘ ║ └╥┘
c: 1/═══════════╩══╬═
                0  ║ 
d: 2/══════════════╩═
                   1 
)"));
}

TEST_CASE("draw: reset", "[draw]") {
  qsim::Circuit c(2);
  c.reset(0).h(0).reset(1);
  CHECK(qsim::draw(c) == diagram(R"(
          ┌───┐
q_0: ─|0>─┤ H ├
          └───┘
q_1: ─|0>──────
               
)"));
}

TEST_CASE("draw: noise channels, folded at the default 80 columns", "[draw]") {
  qsim::Circuit c(2);
  c.h(0).depolarizing(0.01, 0).depolarizing(0.02, 0, 1).amplitude_damping(0.1, 1);
  CHECK(qsim::draw(c) == diagram(R"(
     ┌───┐┌────────────────────┐┌──────────────────────┐»
q_0: ┤ H ├┤ depolarizing(0.01) ├┤0                     ├»
     └───┘└────────────────────┘│  depolarizing2(0.02) │»
q_1: ───────────────────────────┤1                     ├»
                                └──────────────────────┘»

«                               
«q_0: ──────────────────────────
«     ┌────────────────────────┐
«q_1: ┤ amplitude_damping(0.1) ├
«     └────────────────────────┘
)"));
  CHECK(qsim::draw(c) == qsim::draw(c, 80));
}

TEST_CASE("draw: c_if conditions", "[draw]") {
  qsim::Circuit c(2, 2);
  c.h(0).measure(0, 0).x(1).c_if("c", 1).h(0).c_if("c", 3);
  CHECK(qsim::draw(c) == diagram(R"(
     ┌───┐┌─┐     ┌───┐
q_0: ┤ H ├┤M├─────┤ H ├
     └───┘└╥┘┌───┐└─╥─┘
q_1: ──────╫─┤ X ├──╫──
           ║ └─╥─┘  ║  
c: 2/══════╩═══■════■══
           0  0x1  0x3 
)"));
}

TEST_CASE("draw: barriers on some qubits", "[draw]") {
  qsim::Circuit c(3);
  c.h(0).barrier({0, 1}).x(2).measure_all();
  CHECK(qsim::draw(c) == diagram(R"(
        ┌───┐ ░  ░ ┌─┐      
   q_0: ┤ H ├─░──░─┤M├──────
        └───┘ ░  ░ └╥┘┌─┐   
   q_1: ──────░──░──╫─┤M├───
        ┌───┐ ░  ░  ║ └╥┘┌─┐
   q_2: ┤ X ├────░──╫──╫─┤M├
        └───┘    ░  ║  ║ └╥┘
meas: 3/════════════╩══╩══╩═
                    0  1  2 
)"));
}

TEST_CASE("draw: folding into pages", "[draw]") {
  qsim::Circuit c(2);
  c.h(0).cx(0, 1).rz(pi / 4, 1).cx(0, 1).h(0);
  CHECK(qsim::draw(c, 25) == diagram(R"(
     ┌───┐     »
q_0: ┤ H ├──■──»
     └───┘┌─┴─┐»
q_1: ─────┤ X ├»
          └───┘»

«                     »
«q_0: ─────────────■──»
«     ┌─────────┐┌─┴─┐»
«q_1: ┤ Rz(π/4) ├┤ X ├»
«     └─────────┘└───┘»

«     ┌───┐
«q_0: ┤ H ├
«     └───┘
«q_1: ─────
«          
)"));
  CHECK(qsim::draw(c, 0) == diagram(R"(
     ┌───┐                     ┌───┐
q_0: ┤ H ├──■───────────────■──┤ H ├
     └───┘┌─┴─┐┌─────────┐┌─┴─┐└───┘
q_1: ─────┤ X ├┤ Rz(π/4) ├┤ X ├─────
          └───┘└─────────┘└───┘     
)"));
  // Wide enough for everything: one page, the same as never folding.
  CHECK(qsim::draw(c, 36) == qsim::draw(c, 0));
  CHECK(qsim::draw(c, 35) != qsim::draw(c, 0));

  const auto pages = pages_of(qsim::draw(c, 25));
  REQUIRE(pages.size() == 3);
  for (std::size_t p = 0; p < pages.size(); ++p)
    for (const std::string& line : pages[p]) {
      CHECK(columns(line) <= 25);
      if (p + 1 < pages.size()) CHECK(line.substr(line.size() - std::string("»").size()) == "»");
      if (p > 0) CHECK(line.rfind("«", 0) == 0);
    }
}

TEST_CASE("draw: too narrow a width gives one layer per page and ends", "[draw]") {
  // 7 layers of 3 or 5 columns after 8 columns of labels: below 16 columns no
  // two layers fit on a page after the first, below 13 not even on the first.
  const qsim::Circuit c = ghz();
  for (unsigned width = 1; width <= 20; ++width) {
    const std::string text = qsim::draw(c, width);
    check_aligned(text);
    if (width <= 12) CHECK(pages_of(text).size() == 7);
    if (width >= 16) CHECK(pages_of(text).size() < 7);  // «, labels, two measurements and »
  }
}

TEST_CASE("draw: empty circuits", "[draw]") {
  CHECK(qsim::draw(qsim::Circuit()) == "");
  CHECK(qsim::draw(qsim::Circuit(2, 1)) == diagram(R"(
        
q_0: ───
        
q_1: ───
        
c: 1/═══
        
)"));
  CHECK(qsim::draw(qsim::Circuit(0, 2)) == diagram(R"(
        
c: 2/═══
        
)"));
}

TEST_CASE("draw: every line of a page has the same display width", "[draw]") {
  qsim::Circuit c(4, 2);
  c.add_qreg("ancilla", 2);
  c.h(0).cx(0, 5).ccx(1, 4, 2).rzz(qsim::feature(1, -1.0, 0.25), 0, 3).cp(pi / 8, 3, 1).swap(2, 4);
  c.measure(4, 1).x(3).c_if("c", 2).reset(5).unitary({1, 0, 0, 1}, {1}, 1e-8, "Ω gate").barrier();
  c.depolarizing(0.1, 2, 3).measure_all();
  for (unsigned width : {0u, 200u, 80u, 40u, 25u}) {
    const std::string text = qsim::draw(c, width);
    INFO(text);
    check_aligned(text);
  }
  // Multi-byte labels count one column per code point.
  CHECK(qsim::draw(c, 0).find("┤ Ω gate ├") != std::string::npos);
}

TEST_CASE("draw: unusual operations stay aligned", "[draw]") {
  qsim::Circuit c(3, 3);
  c.add_creg("big", 11);
  c.measure(0, 1).c_if("big", 5);  // a conditioned measurement through two registers
  c.measure(2, 13);                // bit 10 of "big": a two-digit index
  qsim::Operation op = qsim::make_gate(qsim::GateId::h, {1});
  op.condition = qsim::Condition{1, 2, 3};  // part of a register
  c.append(op);
  qsim::Matrix m(64, 0.0);
  for (int i = 0; i < 8; ++i) m[i * 8 + i] = 1;
  c.unitary(m, {2, 0, 1}, 1e-8, "");
  c.controlled({1}, qsim::make_gate(qsim::GateId::rzz, {0, 2}, {0.5}));  // control inside the box
  c.measure(1, 0, qsim::ReadoutError{0.01, 0.02});
  const std::string text = qsim::draw(c, 0);
  INFO(text);
  check_aligned(text);
  CHECK(text.find("[1:2]=0x3") != std::string::npos);
  CHECK(text.find(" 10 ") != std::string::npos);
  CHECK(text.find("┤■ Rzz(0.5) ├") != std::string::npos);
  CHECK(text.find("┤2 Unitary ├") != std::string::npos);  // q_1 is argument 2
}

TEST_CASE("draw: angle text", "[draw]") {
  using qsim::detail::drawing::angle_text;
  using qsim::detail::drawing::param_text;
  CHECK(angle_text(0) == "0");
  CHECK(angle_text(-1e-12) == "0");
  CHECK(angle_text(pi) == "π");
  CHECK(angle_text(-pi) == "-π");
  CHECK(angle_text(2 * pi) == "2π");
  CHECK(angle_text(pi / 2) == "π/2");
  CHECK(angle_text(-pi / 4) == "-π/4");
  CHECK(angle_text(pi / 32) == "π/32");
  CHECK(angle_text(3 * pi / 4) == "3π/4");
  CHECK(angle_text(-5 * pi / 16) == "-5π/16");
  CHECK(angle_text(0.25) == "0.25");
  CHECK(angle_text(1.23456) == "1.235");
  CHECK(angle_text(100) == "100");
  CHECK(param_text(qsim::weight(3)) == "w[3]");
  CHECK(param_text(qsim::feature(0)) == "x[0]");
  CHECK(param_text(qsim::feature(0, 2.0, 0.5)) == "2*x[0]+0.5");
  CHECK(param_text(qsim::weight(1, -1.0, -pi / 2)) == "-w[1]-π/2");
  CHECK(param_text(qsim::Param(0.1)) == "0.1");
}

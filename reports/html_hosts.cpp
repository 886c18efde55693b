// The per-host sections: identity, facts, how the host was scanned, and every result as a folded
// card with its evidence (html_findings.cpp builds the cards).
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

#include <string>
#include <unordered_map>

namespace cisscan::reports::html {

namespace {

void put_optional(Data& item, const std::string& key, std::string value) {
  put(item, "has_" + key, Data(!value.empty()));
  put(item, key, std::move(value));
}

std::string guest_kind(const json& host) {
  const auto type = field(host, "type");
  return type == "lxc" ? "container" : type == "qemu" ? "VM" : "guest";
}

// A Proxmox VE guest's place: its kind and VMID, and its node, linked when the node is a host of
// the run; a node's guests, each linked.
void put_proxmox(Data& item, const Index& index, const json& host,
                 const std::vector<size_t>& guests) {
  const auto node = field(host, "node");
  put(item, "is_guest", Data(!node.empty()));
  if (!node.empty()) {
    const auto vmid = field(host, "vmid");
    put(item, "guest_kind", guest_kind(host) + (vmid.empty() ? "" : " " + vmid));
    put(item, "node", node);
    put_optional(item, "node_anchor", index.host_anchor(node));
  }
  Data list = list_data();
  for (const size_t g : guests) {
    Data guest = object_data();
    put(guest, "name", field(index.head(g), "name"));
    put(guest, "anchor", host_anchor(g));
    push(list, std::move(guest));
  }
  put(item, "has_guests", Data(!guests.empty()));
  put(item, "guests", std::move(list));
}

// The guests of each host that is the `node` of others (Proxmox VE), in record order.
std::vector<std::vector<size_t>> guests_by_node(const Index& index) {
  std::unordered_map<std::string, size_t> by_name;
  for (size_t h = 0; h < index.host_count(); ++h) {
    by_name.emplace(field(index.head(h), "name"), h);
  }
  std::vector<std::vector<size_t>> guests(index.host_count());
  for (size_t h = 0; h < index.host_count(); ++h) {
    const auto node = by_name.find(field(index.head(h), "node"));
    if (node != by_name.end() && node->second != h) {
      guests[node->second].push_back(h);
    }
  }
  return guests;
}

} // namespace

std::vector<size_t> host_order(const Index& index) {
  const auto guests = guests_by_node(index);
  std::vector<bool> is_guest(index.host_count());
  for (const auto& list : guests) {
    for (const size_t g : list) {
      is_guest[g] = true;
    }
  }
  std::vector<size_t> order;
  std::vector<bool> placed(index.host_count());
  const auto place = [&](size_t root) {
    std::vector<size_t> stack{root};
    while (!stack.empty()) {
      const size_t h = stack.back();
      stack.pop_back();
      if (placed[h]) {
        continue;
      }
      placed[h] = true;
      order.push_back(h);
      stack.insert(stack.end(), guests[h].rbegin(), guests[h].rend());
    }
  };
  for (size_t h = 0; h < index.host_count(); ++h) {
    if (!is_guest[h]) {
      place(h);
    }
  }
  for (size_t h = 0; h < index.host_count(); ++h) {
    place(h); // hosts that name each other as their node: in record order
  }
  return order;
}

void add_hosts_view(Data& view, const Index& index) {
  const auto guests = guests_by_node(index);
  Data hosts = list_data();
  for (const size_t h : host_order(index)) {
    const auto& host = index.head(h);
    Data item = object_data();
    put_proxmox(item, index, host, guests[h]);
    put(item, "host_index", std::to_string(h));
    put(item, "anchor", host_anchor(h));
    put(item, "name", field(host, "name"));
    put(item, "status", field(host, "status"));
    put(item, "host_ok", Data(field(host, "status") == "ok"));
    put_optional(item, "reason", field(host, "reason"));
    std::string address = field(host, "address");
    if (at(host, "port").is_number()) {
      address += ':';
      address += field(host, "port");
    }
    put(item, "address", address);
    put(item, "transport", field(host, "transport"));
    const auto& identity = at(host, "identity");
    const auto host_key = field(identity, "host_key_sha256");
    const auto machine_id = field(identity, "machine_id");
    put(item, "host_key", host_key.empty() ? "not seen" : host_key);
    put(item, "machine_id", machine_id.empty() ? "not read" : machine_id);
    const auto roles = field(host, "roles");
    const auto groups = field(host, "groups");
    put(item, "roles", roles.empty() ? "none" : roles);
    put(item, "groups", groups.empty() ? "none" : groups);
    const auto& facts = at(host, "facts");
    const auto become = field(host, "become");
    std::string scanned_as = field(host, "user");
    scanned_as += become.empty() ? ", no privilege escalation" : ", raised with " + become;
    if (!field(facts, "user").empty()) {
      scanned_as += "; probes ran as " + field(facts, "user") +
                    (field(facts, "uid").empty() ? "" : " (uid " + field(facts, "uid") + ")");
    }
    put(item, "scanned_as", scanned_as);
    Data fact_list = list_data();
    if (facts.is_object()) {
      for (const auto& [key, value] : facts.items()) {
        Data fact = object_data();
        put(fact, "key", xml_safe(key));
        put(fact, "value", text(value));
        push(fact_list, std::move(fact));
      }
    }
    put(item, "has_facts", Data(!list_empty(fact_list)));
    put(item, "facts", std::move(fact_list));
    const auto& stats = at(host, "stats");
    for (const char* key : {"channels", "bytes_in", "bytes_out", "duration_ms"}) {
      put(item, key, field(stats, key));
    }
    put(item, "started_at", field(host, "started_at"));
    put(item, "finished_at", field(host, "finished_at"));
    const auto& ig1 = at(index.host_score(h), "ig1");
    put(item, "ig1_score", score_text(at(ig1, "score")));
    put(item, "ig1_assessed", field(ig1, "assessed"));
    put(item, "ig1_total", field(ig1, "total"));
    const auto& tally = index.tally(h);
    const auto summary = counts_text(tally.counts);
    put(item, "results_summary",
        plural(static_cast<int64_t>(index.result_count(h)), "result", "results") +
            (summary.empty() ? "" : ": " + summary));
    put(item, "has_results", Data(index.result_count(h) > 0 && !index.unscanned(h)));
    put(item, "unscanned", Data(index.unscanned(h)));
    put(item, "unscanned_anchor", unscanned_anchor(h));
    push(hosts, std::move(item));
  }
  put(view, "hosts", std::move(hosts));
}

} // namespace cisscan::reports::html

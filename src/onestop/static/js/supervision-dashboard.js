// The supervision dashboard's charts, drawn from the page's dashboard-data.
const data = JSON.parse(document.getElementById("dashboard-data").textContent);
const hall = echarts.init(document.getElementById("chart-hall"));
hall.setOption({
  tooltip: {trigger: "axis"}, legend: {data: ["正常", "预警", "超期"]},
  grid: {left: 10, right: 20, bottom: 30, containLabel: true},
  xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", data: data.hall.departments},
  series: [
    {name: "正常", type: "bar", stack: "s", color: "#198754", data: data.hall.green},
    {name: "预警", type: "bar", stack: "s", color: "#ffc107", data: data.hall.yellow},
    {name: "超期", type: "bar", stack: "s", color: "#dc3545", data: data.hall.red},
  ],
});
const ranking = echarts.init(document.getElementById("chart-ranking"));
ranking.setOption({
  tooltip: {}, grid: {left: 10, right: 40, bottom: 30, containLabel: true},
  xAxis: {type: "value", max: 100},
  yAxis: {type: "category", inverse: true, data: data.ranking.map(r => r.name)},
  series: [{type: "bar", color: "#b7282e", data: data.ranking.map(r => r.score), label: {show: true, position: "right"}}],
});
const trend = echarts.init(document.getElementById("chart-trend"));
trend.setOption({
  tooltip: {trigger: "axis"}, legend: {data: ["收件", "办结"]}, grid: {left: 40, right: 20, bottom: 30},
  xAxis: {type: "category", data: data.trend.map(t => t.month)}, yAxis: {type: "value", minInterval: 1},
  series: [
    {name: "收件", type: "line", smooth: true, data: data.trend.map(t => t.received)},
    {name: "办结", type: "line", smooth: true, data: data.trend.map(t => t.completed)},
  ],
});
const tree = echarts.init(document.getElementById("chart-tree"));
// Tooltips are HTML: names from the database are escaped before they go in.
tree.setOption({
  tooltip: {formatter: p => `${echarts.format.encodeHTML(p.name)}：在办 ${p.data.value}，超期 ${p.data.overdue}`},
  series: [{type: "tree", data: [data.tree], top: "5%", left: "12%", bottom: "5%", right: "20%",
            initialTreeDepth: 1, symbolSize: 8, label: {position: "left", fontSize: 11},
            leaves: {label: {position: "right"}}}],
});
window.addEventListener("resize", () => [hall, ranking, trend, tree].forEach(c => c.resize()));

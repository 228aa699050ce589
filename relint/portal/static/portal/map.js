/* The portal's world map of partner cities.
 *
 * Offline: the countries come from world-atlas's TopoJSON (served from
 * node_modules), projected with d3-geo and topojson-client. The markers are
 * drawn from the accessible list named by the figure's data-list, so the map
 * and the list always carry the same cities. Each marker is an SVG link:
 * reachable with Tab, opened with Enter or a click.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 960;
  var HEIGHT = 500;

  function draw(figure, world) {
    var list = document.getElementById(figure.getAttribute("data-list"));
    var holder = figure.querySelector(".relint-map");
    if (!list || !holder) return;
    var projection = d3.geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: "Sphere" });
    var path = d3.geoPath(projection);
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + HEIGHT);
    svg.setAttribute("class", "relint-map-svg");
    svg.setAttribute("focusable", "false");

    var land = document.createElementNS(SVG, "g");
    land.setAttribute("aria-hidden", "true");
    var sphere = document.createElementNS(SVG, "path");
    sphere.setAttribute("d", path({ type: "Sphere" }));
    sphere.setAttribute("class", "relint-map-sphere");
    land.appendChild(sphere);
    var countries = topojson.feature(world, world.objects.countries).features;
    countries.forEach(function (country) {
      var shape = document.createElementNS(SVG, "path");
      shape.setAttribute("d", path(country) || "");
      shape.setAttribute("class", "relint-map-country");
      land.appendChild(shape);
    });
    svg.appendChild(land);

    var markers = document.createElementNS(SVG, "g");
    markers.setAttribute("class", "relint-map-markers");
    list.querySelectorAll("li[data-lat][data-lon]").forEach(function (item) {
      var lat = parseFloat(item.getAttribute("data-lat"));
      var lon = parseFloat(item.getAttribute("data-lon"));
      if (!isFinite(lat) || !isFinite(lon)) return;
      var point = projection([lon, lat]);
      if (!point) return;
      var link = document.createElementNS(SVG, "a");
      link.setAttribute("href", item.getAttribute("data-url"));
      link.setAttribute("aria-label", item.getAttribute("data-label"));
      link.setAttribute("class", "relint-map-marker");
      var title = document.createElementNS(SVG, "title");
      title.textContent = item.getAttribute("data-label");
      link.appendChild(title);
      // A larger transparent circle makes the target easy to hit.
      var target = document.createElementNS(SVG, "circle");
      target.setAttribute("cx", point[0]);
      target.setAttribute("cy", point[1]);
      target.setAttribute("r", 9);
      target.setAttribute("class", "relint-map-target");
      link.appendChild(target);
      var dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", point[0]);
      dot.setAttribute("cy", point[1]);
      dot.setAttribute("r", 4.5);
      dot.setAttribute("class", "relint-map-dot");
      link.appendChild(dot);
      markers.appendChild(link);
    });
    svg.appendChild(markers);
    holder.appendChild(svg);
    figure.hidden = false;
  }

  function start() {
    var figures = document.querySelectorAll("[data-relint-map]");
    if (!figures.length || typeof d3 === "undefined" || typeof topojson === "undefined") return;
    fetch(figures[0].getAttribute("data-atlas"))
      .then(function (response) {
        if (!response.ok) throw new Error("world atlas: HTTP " + response.status);
        return response.json();
      })
      .then(function (world) {
        figures.forEach(function (figure) {
          draw(figure, world);
        });
      })
      .catch(function () {
        // The list stays the way to reach every city.
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
